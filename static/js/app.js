// Behaviour shared by every page. No inline scripts or on...= attributes anywhere: the
// Content-Security-Policy (core.middleware) allows scripts from /static/ only.
(function () {
  const language = document.getElementById("language-select");
  if (language) language.addEventListener("change", () => language.form.submit());
})();
