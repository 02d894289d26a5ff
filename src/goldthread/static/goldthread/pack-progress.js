// While a pack is being made, ask for its progress every 1.5 seconds and show it; reload the page when it is ready
// (or could not be made). Without JavaScript, the page's "Refresh to check progress" link works.
const box = document.getElementById("pack-status");
const working = ["queued", "working"];
if (box && working.includes(box.dataset.status)) {
  const text = document.getElementById("pack-progress");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      const state = await response.json();
      if (!working.includes(state.status)) {
        window.location.reload();
        return;
      }
      const p = state.progress || {};
      text.textContent = `The pack is being made: ${p.stage || "waiting to start"}${p.total ? ` (${p.done} of ${p.total})` : ""}.`;
    } catch (error) {
      text.textContent = "The pack is being made. Refresh the page to check progress.";
      return;
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1500);
}
