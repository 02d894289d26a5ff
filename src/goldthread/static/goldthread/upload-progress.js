// While an upload is importing, ask for its progress every 1.5 seconds and show it; reload the page
// when the import has finished. Without JavaScript, the page's "Refresh to check progress" link works.
const box = document.getElementById("import-status");
if (box && box.dataset.status === "importing") {
  const text = document.getElementById("import-progress");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      const state = await response.json();
      if (state.status !== "importing") {
        window.location.reload();
        return;
      }
      const p = state.progress || {};
      text.textContent = `Importing: ${p.stage || "starting"}${p.total ? ` (${p.done} of ${p.total})` : ""}. ` +
        "The current extract stays in use until this one is complete.";
    } catch (error) {
      text.textContent = "Importing. Refresh the page to check progress.";
      return;
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1500);
}
