// Keeps a progress message up to date while work goes on in the background (bulk letters).
// Updates are announced politely to screen readers; the page also says how to refresh by hand.

export function startProgress(container) {
  if (!container) return;
  const text = container.querySelector("[data-progress-text]");
  const bar = container.querySelector("progress");

  async function poll() {
    let state;
    try {
      const response = await fetch(container.dataset.progressUrl, { headers: { Accept: "application/json" } });
      state = await response.json();
    } catch {
      window.setTimeout(poll, 5000);
      return;
    }
    bar.max = Math.max(state.total, 1);
    bar.value = state.done;
    // The server words the progress, so the page says the same before and after it updates itself.
    text.textContent = state.message;
    if (state.finished) {
      // Letters that could not be made are listed with their reasons and a button to try again: show them.
      if (state.failed) window.location.reload();
      return;
    }
    window.setTimeout(poll, 2000);
  }

  window.setTimeout(poll, 2000);
}
