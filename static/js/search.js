// The top bar's search box (templates/base.html). Without this script it is a plain GET form to
// /search/. With it: grouped suggestions as you type (the same groups as the page, from
// /search/?q=…&format=json), the ARIA combobox pattern (↑ ↓ move, Enter opens, Esc closes), and
// "/" anywhere outside a field puts the cursor in the box.
(function () {
  const form = document.getElementById("global-search");
  const input = document.getElementById("global-search-input");
  if (!form || !input) return;
  const panel = document.getElementById("global-search-panel");
  const list = document.getElementById("global-search-list");
  const message = document.getElementById("global-search-message");
  const status = document.getElementById("global-search-status");
  const suggestUrl = input.dataset.suggestUrl;
  const MIN_LENGTH = 2;
  const DELAY = 200; // ms after the last key before asking the server
  let timer = null;
  let controller = null;
  let options = [];
  let active = -1;
  let shownQuery = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  const open = (isOpen) => {
    panel.hidden = !isOpen;
    input.setAttribute("aria-expanded", String(isOpen));
    if (!isOpen) setActive(-1);
  };

  const setActive = (index) => {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };

  const option = (label, detail, url, key) => {
    const node = element("div", "search-option");
    node.id = `global-search-option-${options.length}`;
    node.setAttribute("role", "option");
    node.setAttribute("aria-selected", "false");
    node.dataset.url = url;
    if (key) node.dataset.group = key;
    node.append(element("span", "search-option-label", label));
    if (detail) node.append(element("span", "search-option-detail", detail));
    options.push(node);
    return node;
  };

  const render = (data) => {
    list.replaceChildren();
    options = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    for (const group of data.groups) {
      const box = element("div", "search-option-group");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", group.title);
      box.dataset.group = group.key;
      const title = element("div", "search-group-title", group.title);
      title.setAttribute("aria-hidden", "true");
      box.append(title);
      if (group.note) box.append(element("div", "search-group-note", group.note));
      for (const row of group.rows) box.append(option(row.label, row.detail, row.url, group.key));
      list.append(box);
    }
    const all = element("div", "search-option-group");
    all.setAttribute("role", "group");
    all.setAttribute("aria-label", form.dataset.allLabel);
    all.append(option(form.dataset.allLabel, "", `${form.action}?q=${encodeURIComponent(data.query)}`, "all"));
    list.append(all);
    message.textContent = data.message || "";
    message.hidden = !data.message;
    const count = options.length - 1;
    status.textContent = data.message || form.dataset.countLabel.replace("__N__", String(count));
    shownQuery = data.query;
    open(true);
  };

  const ask = (query) => {
    if (controller) controller.abort();
    controller = new AbortController();
    const url = `${suggestUrl}?format=json&q=${encodeURIComponent(query)}`;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: controller.signal })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        // A session that ended answers with the sign-in page: the form still works without suggestions.
        if (!data || input.value.trim() !== query) return;
        render(data);
      })
      .catch(() => {});
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < MIN_LENGTH) {
      if (controller) controller.abort();
      shownQuery = null;
      open(false);
      status.textContent = "";
      return;
    }
    timer = setTimeout(() => ask(query), DELAY);
  });

  const go = (index) => {
    window.location.assign(options[index].dataset.url);
  };

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (panel.hidden) {
        if (shownQuery !== null && shownQuery === input.value.trim()) open(true);
        else if (input.value.trim().length >= MIN_LENGTH) ask(input.value.trim());
        event.preventDefault();
        return;
      }
      event.preventDefault();
      if (!options.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((active + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      if (!panel.hidden && active >= 0) {
        event.preventDefault();
        go(active);
      } // otherwise the form is sent: the full results page
    } else if (event.key === "Escape") {
      if (!panel.hidden) {
        event.preventDefault();
        event.stopPropagation(); // the phone menu's Esc handler must not also act
        open(false);
      }
    }
  });

  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
  list.addEventListener("click", (event) => {
    const target = event.target.closest("[role=option]");
    if (target) go(options.indexOf(target));
  });

  input.addEventListener("blur", () => open(false));
  input.addEventListener("focus", () => {
    if (shownQuery !== null && shownQuery === input.value.trim()) open(true);
  });

  // "/" outside a field: to the search box (as in Zammad, Freshdesk, GitHub).
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select"))) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
})();
