// Polls a background job's status until it finishes, then reloads to show the result.
(function () {
  const card = document.getElementById("job");
  if (!card || card.dataset.finished === "1") return;
  const set = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value; };
  async function poll() {
    try {
      const response = await fetch(card.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const job = await response.json();
        document.getElementById("job-progress").value = job.percent;
        set("job-status", job.status_label); set("job-percent", job.percent);
        set("job-processed", job.processed); set("job-total", job.total);
        set("job-created", job.created); set("job-updated", job.updated); set("job-errors", job.errors);
        if (job.finished) { window.location.reload(); return; }
      }
    } catch (error) { /* a missed poll is retried */ }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();
