// The new-complaint page: once a unit (building + unit number) or a phone and a category are typed,
// ask the server for possible duplicates (complaints/new/duplicates/) and show them above Save.
(function () {
  const box = document.getElementById("intake-duplicates");
  if (!box) return;
  const form = box.closest("form");
  const names = ["project", "building", "unit_number", "contact_phone", "category", "defect_type"];
  let timer = null;
  let last = "";
  async function check() {
    const params = new URLSearchParams();
    names.forEach((name) => {
      const field = form.elements.namedItem(name);
      if (field && field.value) params.set(name, field.value.trim());
    });
    const query = params.toString();
    if (query === last) return;
    last = query;
    const hasKey = params.get("contact_phone") || (params.get("building") && params.get("unit_number"));
    if (!params.get("project") || !params.get("category") || !hasKey) { box.innerHTML = ""; return; }
    try {
      const response = await fetch(box.dataset.url + "?" + query, { headers: { Accept: "text/html" } });
      if (response.ok && query === last) box.innerHTML = await response.text();
    } catch (error) { /* the check is a help; saving does not depend on it */ }
  }
  const later = () => { window.clearTimeout(timer); timer = window.setTimeout(check, 300); };
  // Listened to on the form: static/js/pickers.js swaps the building and unit fields for lists.
  const watched = (event) => { if (names.includes(event.target.name)) later(); };
  form.addEventListener("input", watched);
  form.addEventListener("change", watched);
  check();
})();
