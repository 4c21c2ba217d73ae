// The owner's pages (public complaint form, confirmation, tracking page). Plain JavaScript, no
// inline code (the Content-Security-Policy allows scripts from /static/ only). Everything here is
// an improvement over pages that work without it: a selectable tracking link, forms the server
// makes safe to send twice. The building and unit pickers are static/js/pickers.js.
(function () {
  "use strict";

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
