// The complaint page: canned replies (短语) insert their text into the text area they sit beside.
// Without this script the insert buttons stay hidden and the list is there to copy from.
(function () {
  const insert = (area, text) => {
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    const before = area.value.slice(0, start);
    // A reply added after text already typed starts on a line of its own.
    const piece = before && !/\s$/.test(before) ? `\n${text}` : text;
    area.setRangeText(piece, start, end, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
  };

  for (const picker of document.querySelectorAll("details.canned[data-canned-target]")) {
    const area = document.getElementById(picker.dataset.cannedTarget);
    if (!area) continue;
    for (const item of picker.querySelectorAll("li[data-canned-reply]")) {
      const button = item.querySelector("button.canned-insert");
      const body = item.querySelector(".canned-body");
      if (!button || !body) continue;
      button.hidden = false;
      button.addEventListener("click", () => {
        insert(area, body.textContent);
        picker.open = false;
        area.focus();
      });
    }
  }
})();
