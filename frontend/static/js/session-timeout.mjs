// Warns a signed-in user before their session ends for inactivity and lets them stay signed in (WCAG 2.2.1).
// The page is told how long the server will keep the session (up to a minute less than the full timeout, as the
// server starts the timeout again at most once a minute), so the warning and the sign-out come when the server's
// end does. Every tab shares that end through localStorage, so a tab left idle does not warn, or send to the
// signed-out page, while another tab is in use.

const ENDS_AT_KEY = "session-ends-at";

function describe(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes) parts.push(minutes === 1 ? "1 minute" : `${minutes} minutes`);
  if (rest || !minutes) parts.push(rest === 1 ? "1 second" : `${rest} seconds`);
  return parts.join(" ");
}

function endsAt() {
  return Number(window.localStorage.getItem(ENDS_AT_KEY)) || 0;
}

// Every page tells of the session's end as it stood when the page was made: the latest end is the true one, even
// when an older page's script runs after a newer one's.
function recordEnd(secondsLeft) {
  const end = Date.now() + secondsLeft * 1000;
  if (end > endsAt()) window.localStorage.setItem(ENDS_AT_KEY, String(end));
}

// `keepers` keep what is typed into the page's long forms (keep-typing.mjs): each is asked to save when the warning
// shows, and again before the page is signed out.
export function startSessionTimeout(dialog, keepers = []) {
  if (!dialog || typeof dialog.showModal !== "function") return;

  const timeoutSeconds = Number(dialog.dataset.timeoutSeconds);
  const timeoutMs = timeoutSeconds * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const countdown = dialog.querySelector("[data-countdown]");
  const announcer = dialog.querySelector("[data-announcer]");
  const extendButton = dialog.querySelector("[data-extend]");
  const csrfToken = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  let returnFocusTo = null;
  let timer;
  let tick;

  function secondsLeft() {
    return Math.max(0, Math.round((endsAt() - Date.now()) / 1000));
  }

  function showCountdown() {
    const left = secondsLeft();
    countdown.textContent = describe(left);
    // Screen readers hear the time left each minute and in the last 20 seconds, not every second.
    if (left % 60 === 0 || left === 20) announcer.textContent = `We will sign you out in ${describe(left)}.`;
  }

  function keepTyping() {
    return Promise.all(keepers.map((keep) => keep()));
  }

  // Keeping a draft is a request, which keeps the session alive on the server: a page that keeps drafts signs out
  // itself, after keeping the last of what was typed.
  async function timeOut() {
    if (keepers.length) {
      await keepTyping();
      try {
        await fetch(dialog.querySelector("form").action, {
          method: "POST",
          headers: { "X-CSRFToken": csrfToken },
          credentials: "same-origin",
          redirect: "manual",
        });
      } catch {
        // The server ends the session after the idle time in any case.
      }
    }
    window.location.assign(dialog.dataset.timedOutUrl);
  }

  function warn() {
    if (dialog.open) return;
    keepTyping();
    returnFocusTo = document.activeElement;
    showCountdown();
    announcer.textContent = "";
    dialog.showModal();
    extendButton.focus();
    tick = window.setInterval(showCountdown, 1000);
  }

  function close() {
    window.clearInterval(tick);
    if (dialog.open) {
      dialog.close();
      if (returnFocusTo) returnFocusTo.focus();
    }
  }

  // Looks at the shared clock and decides what is due: nothing yet, the warning, or the signed-out page.
  function check() {
    window.clearTimeout(timer);
    const remaining = endsAt() - Date.now();
    if (remaining <= 0) {
      timeOut();
      return;
    }
    if (remaining <= warningMs) {
      warn();
      timer = window.setTimeout(check, remaining);
    } else {
      close();
      timer = window.setTimeout(check, remaining - warningMs);
    }
  }

  async function staySignedIn() {
    let response;
    try {
      response = await fetch(dialog.dataset.extendUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken },
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      response = null;
    }
    // Only "204 No Content" means the session is still alive; a redirect to sign in means it has ended.
    if (!response || response.status !== 204) {
      window.location.assign(dialog.dataset.timedOutUrl);
      return;
    }
    recordEnd(timeoutSeconds);
    check();
  }

  // Typing is activity: someone writing a long answer is not idle, so the server hears of it now and then (at most
  // once a minute, or more often when the timeout is short) and nobody is signed out mid-sentence.
  const typingExtendsEveryMs = Math.min(60 * 1000, timeoutMs / 4);
  let lastExtended = Date.now();
  document.addEventListener("input", () => {
    if (dialog.open || Date.now() - lastExtended < typingExtendsEveryMs) return;
    lastExtended = Date.now();
    staySignedIn();
  });

  extendButton.addEventListener("click", staySignedIn);
  // Escape closes a modal dialog; here it means the same as "Stay signed in".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  // Another tab's activity resets this tab's clock too.
  window.addEventListener("storage", (event) => {
    if (event.key === ENDS_AT_KEY) check();
  });
  recordEnd(Number(dialog.dataset.secondsLeft));
  check();
}
