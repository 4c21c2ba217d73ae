// Behaviour shared by every page. No inline scripts or on...= attributes anywhere: the
// Content-Security-Policy (core.middleware) allows scripts from /static/ only.
(function () {
  const language = document.getElementById("language-select");
  if (language) language.addEventListener("change", () => language.form.submit());

  // The top menu folds behind a button on narrow screens (app.css decides when). Without this
  // script the button stays hidden and the menu open.
  const toggle = document.getElementById("menu-toggle");
  if (toggle) {
    const topbar = toggle.closest(".topbar");
    const setOpen = (open) => {
      toggle.setAttribute("aria-expanded", String(open));
      topbar.classList.toggle("open", open);
    };
    toggle.hidden = false;
    topbar.classList.add("collapsible");
    toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && topbar.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // A wide table scrolls inside its own box (.table-scroll). A box that scrolls can be reached with
  // the keyboard and is named after its section's heading, so that arrow keys can scroll it.
  // Templates wrap their tables; one that is not wrapped yet gets its box here.
  for (const table of document.querySelectorAll("main table")) {
    if (table.parentElement.classList.contains("table-scroll")) continue;
    const box = document.createElement("div");
    box.className = "table-scroll";
    table.replaceWith(box);
    box.append(table);
  }
  const boxes = document.querySelectorAll(".table-scroll");
  const label = (box) => {
    // The nearest heading before the box, in its section or above it.
    for (let node = box; node && node !== document.body; node = node.parentElement) {
      for (let before = node.previousElementSibling; before; before = before.previousElementSibling) {
        const headings = before.matches("h1, h2, h3") ? [before] : before.querySelectorAll("h1, h2, h3");
        if (headings.length) return headings[headings.length - 1].textContent.trim();
      }
    }
    return document.title;
  };
  const markScrolling = () => {
    for (const box of boxes) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label(box));
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  if (boxes.length) {
    markScrolling();
    window.addEventListener("resize", markScrolling);
  }
})();
