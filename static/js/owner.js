// The owner's pages (public complaint form, confirmation, tracking page). Plain JavaScript, no
// inline code (the Content-Security-Policy allows scripts from /static/ only). Everything here is
// an improvement over pages that work without it: text fields for building and unit, a selectable
// tracking link, forms the server makes safe to send twice.
(function () {
  "use strict";

  // --- Building and unit pickers filled from the chosen project ------------------------------------
  // Without this script (or when the project's list cannot be loaded, or is empty) the owner types
  // the building and unit; the server reads 「4号楼」 as 「4栋」 either way.
  // The public complaint form and the owner's repair report (/repair/) share them.
  const form =
    document.getElementById("public-complaint-form") || document.getElementById("public-repair-form");
  const projectSelect = document.getElementById("id_project");
  const buildingInput = document.getElementById("id_building");
  const unitInput = document.getElementById("id_unit_number");

  if (form && projectSelect && buildingInput && unitInput && window.fetch) {
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
        typeIt("unit", wanted); // what the owner typed stays, with the server's message beside it
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
        if (projectSelect.value !== projectId) return; // the owner chose another project meanwhile
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
    // A form sent back with an error keeps the owner's choice: start from what the fields hold.
    showBuildings(buildingInput.value.trim(), unitInput.value.trim());
  }

  // --- The tracking link: a copy button beside a field that selects itself ---------------------------
  for (const field of document.querySelectorAll("[data-select-all]")) {
    field.addEventListener("focus", () => field.select());
    field.addEventListener("click", () => field.select());
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById("copy-status");
    if (!field) continue;
    const say = (message) => {
      if (status) status.textContent = message;
    };
    const fallback = () => {
      field.focus();
      field.select();
      let copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (error) {
        copied = false;
      }
      say(copied ? button.dataset.copied : button.dataset.copyFailed);
    };
    button.hidden = false;
    button.addEventListener("click", () => {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(() => say(button.dataset.copied), fallback);
      } else {
        fallback();
      }
    });
  }

  // --- A form sent once: the button waits after the first tap ----------------------------------------
  // The server records a repeated reply once anyway; this spares the owner the second request.
  // It waits a few seconds at most (a lost connection must not leave it dead), and a page shown
  // again with "back" starts afresh.
  const onceButtons = document.querySelectorAll("form[data-once] button[type=submit]");
  const release = () => {
    for (const button of onceButtons) button.disabled = false;
  };
  for (const once of document.querySelectorAll("form[data-once]")) {
    once.addEventListener("submit", () => {
      const buttons = once.querySelectorAll("button[type=submit]");
      window.setTimeout(() => {
        for (const button of buttons) button.disabled = true;
      }, 0);
      window.setTimeout(() => {
        for (const button of buttons) button.disabled = false;
      }, 8000);
    });
  }
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) release();
  });
})();
