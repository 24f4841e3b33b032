// Warns a signed-in user before their session ends for inactivity and lets them stay signed in (WCAG 2.2.1).
// The server ends the session after the same idle time; this only tells the user first.

function describe(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}

export function startSessionTimeout(dialog) {
  if (!dialog || typeof dialog.showModal !== "function") return;

  const timeoutMs = Number(dialog.dataset.timeoutSeconds) * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const countdown = dialog.querySelector("[data-countdown]");
  const announcer = dialog.querySelector("[data-announcer]");
  const extendButton = dialog.querySelector("[data-extend]");
  const csrfToken = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  let returnFocusTo = null;
  let warningTimer;
  let signOutTimer;
  let tick;
  let endsAt;

  function secondsLeft() {
    return Math.max(0, Math.round((endsAt - Date.now()) / 1000));
  }

  function showCountdown() {
    const left = secondsLeft();
    countdown.textContent = describe(left);
    // Screen readers hear the time left each minute and in the last 20 seconds, not every second.
    if (left % 60 === 0 || left === 20) announcer.textContent = `We will sign you out in ${describe(left)}.`;
  }

  function warn() {
    returnFocusTo = document.activeElement;
    showCountdown();
    announcer.textContent = "";
    dialog.showModal();
    extendButton.focus();
    tick = window.setInterval(showCountdown, 1000);
  }

  function schedule() {
    window.clearTimeout(warningTimer);
    window.clearTimeout(signOutTimer);
    window.clearInterval(tick);
    endsAt = Date.now() + timeoutMs;
    warningTimer = window.setTimeout(warn, Math.max(0, timeoutMs - warningMs));
    signOutTimer = window.setTimeout(() => window.location.assign(dialog.dataset.timedOutUrl), timeoutMs);
  }

  async function staySignedIn() {
    const response = await fetch(dialog.dataset.extendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken },
      credentials: "same-origin",
    });
    if (!response.ok) {
      window.location.assign(dialog.dataset.timedOutUrl);
      return;
    }
    dialog.close();
    schedule();
    if (returnFocusTo) returnFocusTo.focus();
  }

  extendButton.addEventListener("click", staySignedIn);
  // Escape closes a modal dialog; here it means the same as "Stay signed in".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  schedule();
}
