// While an upload is being checked or imported, ask for its progress every 1.5 seconds and show it; reload the
// page when the work has finished. Without JavaScript, the page's "Refresh to check progress" link works.
const box = document.getElementById("import-status");
const working = { checking: "Checking the file", queued: "Waiting to import", importing: "Importing" };
if (box && box.dataset.status in working) {
  const text = document.getElementById("import-progress");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      const state = await response.json();
      if (!(state.status in working)) {
        window.location.reload();
        return;
      }
      const p = state.progress || {};
      text.textContent = `${working[state.status]}: ${p.stage || "starting"}${p.total ? ` (${p.done} of ${p.total})` : ""}. ` +
        "The current extract stays in use until a new one is completely imported.";
    } catch (error) {
      text.textContent = "Working on the file. Refresh the page to check progress.";
      return;
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1500);
}
