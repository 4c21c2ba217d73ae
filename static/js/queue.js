// The complaint work queue: the filters fold away on phones (unless some are set), and "choose all on
// this page" ticks every row's checkbox. The page works without it.
(function () {
  const filters = document.getElementById("queue-filters");
  if (filters && filters.dataset.active !== "1" && window.matchMedia("(max-width: 700px)").matches) {
    filters.open = false;
  }
  const all = document.getElementById("select-all");
  const boxes = Array.from(document.querySelectorAll("#complaint-table input[name=ids]"));
  if (!all || boxes.length === 0) return;
  document.getElementById("select-all-label").hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      all.checked = boxes.every(function (b) { return b.checked; });
    });
  });
})();
