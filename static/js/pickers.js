// Building and unit pickers filled from the chosen project, on every form with data-homes-url: the
// owners' complaint form and repair report (/complain/homes/, every project) and the staff forms
// (/projects/homes/, the projects the user sees). Without this script (or when the project's list
// cannot be loaded, or is empty) people type the building and unit; the server reads 「4号楼」 as
// 「4栋」 either way. The texts come from the form's data- attributes (translated by the template).
(function () {
  "use strict";

  const attach = (form) => {
    const projectSelect = form.elements.namedItem("project");
    const buildingInput = form.elements.namedItem("building");
    const unitInput = form.elements.namedItem("unit_number");
    if (!projectSelect || !buildingInput || !unitInput || !window.fetch) return;
    const text = form.dataset;
    const OTHER = "__other__"; // never sent: choosing it brings the text fields back
    const lists = new Map(); // project id -> Promise of [{name, units}]
    const typed = { building: buildingInput, unit: unitInput };
    const hintOf = (input) => document.getElementById(input.id + "_helptext");

    const makeSelect = (input) => {
      const select = document.createElement("select");
      for (const attribute of ["id", "name", "aria-describedby", "aria-invalid"]) {
        if (input.hasAttribute(attribute)) select.setAttribute(attribute, input.getAttribute(attribute));
      }
      return select;
    };
    const pickers = { building: makeSelect(buildingInput), unit: makeSelect(unitInput) };
    const shown = { building: buildingInput, unit: unitInput };

    const show = (which, element) => {
      if (shown[which] === element) return;
      shown[which].replaceWith(element);
      shown[which] = element;
      const hint = hintOf(typed[which]);
      if (hint) hint.hidden = element !== typed[which];
    };
    const option = (value, label) => {
      const element = document.createElement("option");
      element.value = value;
      element.textContent = label;
      return element;
    };
    const fill = (select, placeholder, values, withOther) => {
      select.replaceChildren(option("", placeholder));
      for (const value of values) select.append(option(value, value));
      if (withOther) select.append(option(OTHER, text.notListed));
    };
    const waiting = (which, label) => {
      fill(pickers[which], label, [], false);
      pickers[which].disabled = true;
      show(which, pickers[which]);
    };
    const typeIt = (which, value) => {
      typed[which].value = value || "";
      show(which, typed[which]);
    };
    const load = (projectId) => {
      if (!lists.has(projectId)) {
        const url = text.homesUrl + "?project=" + encodeURIComponent(projectId);
        lists.set(
          projectId,
          fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
            .then((data) => data.buildings || [])
            .catch(() => {
              lists.delete(projectId);
              return null;
            })
        );
      }
      return lists.get(projectId);
    };

    let buildings = [];
    const showUnits = (buildingName, wanted) => {
      const building = buildings.find((item) => item.name === buildingName);
      if (!building) {
        waiting("unit", text.chooseBuildingFirst);
        return;
      }
      if (!building.units.length) {
        typeIt("unit", wanted);
        return;
      }
      if (wanted && !building.units.includes(wanted)) {
        typeIt("unit", wanted); // what was typed stays, with the server's message beside it
        return;
      }
      fill(pickers.unit, text.chooseUnit, building.units, true);
      pickers.unit.disabled = false;
      pickers.unit.value = wanted || "";
      show("unit", pickers.unit);
    };
    const showBuildings = (wantedBuilding, wantedUnit) => {
      const projectId = projectSelect.value;
      if (!projectId) {
        waiting("building", text.chooseProject);
        waiting("unit", text.chooseProject);
        return;
      }
      waiting("building", text.loading);
      waiting("unit", text.loading);
      load(projectId).then((list) => {
        if (projectSelect.value !== projectId) return; // another project was chosen meanwhile
        if (!list || !list.length) {
          typeIt("building", wantedBuilding);
          typeIt("unit", wantedUnit);
          return;
        }
        buildings = list;
        if (wantedBuilding && !list.some((item) => item.name === wantedBuilding)) {
          typeIt("building", wantedBuilding);
          typeIt("unit", wantedUnit);
          return;
        }
        fill(pickers.building, text.chooseBuilding, list.map((item) => item.name), true);
        pickers.building.disabled = false;
        pickers.building.value = wantedBuilding || "";
        show("building", pickers.building);
        showUnits(wantedBuilding, wantedUnit);
      });
    };

    projectSelect.addEventListener("change", () => showBuildings("", ""));
    pickers.building.addEventListener("change", () => {
      if (pickers.building.value === OTHER) {
        typeIt("building", "");
        typeIt("unit", "");
        typed.building.focus();
        return;
      }
      showUnits(pickers.building.value, "");
    });
    pickers.unit.addEventListener("change", () => {
      if (pickers.unit.value === OTHER) {
        typeIt("unit", "");
        typed.unit.focus();
      }
    });
    // A form sent back with an error keeps the choice: start from what the fields hold.
    showBuildings(buildingInput.value.trim(), unitInput.value.trim());
  };
  for (const form of document.querySelectorAll("form[data-homes-url]")) attach(form);
})();
