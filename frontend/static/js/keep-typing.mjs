// Keeps what a person types into a long form as a draft on the server, so a timeout or a lost connection loses
// nothing. The form's own address takes the draft (with "autosave" in the fields), every 20 seconds after a change,
// and whenever the session timeout asks, before its warning and before it signs the person out.
// Without this script nothing changes: the form's own buttons still save as before.

const EVERY_MS = 20 * 1000;

export function startKeepingTyping(form) {
  let changed = false;
  let timer = null;

  function typed() {
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string") body.append(name, value); // files are stored when the form is saved
    }
    body.append("autosave", "1");
    return body;
  }

  // Resolves once what was typed is kept, or it could not be (the next change or call tries again).
  async function keep() {
    window.clearTimeout(timer);
    timer = null;
    if (!changed) return;
    changed = false;
    let response = null;
    try {
      response = await fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: typed(),
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      response = null;
    }
    if (!response || response.status !== 204) changed = true;
  }

  form.addEventListener("input", () => {
    changed = true;
    if (timer === null) timer = window.setTimeout(keep, EVERY_MS);
  });
  // The form's own buttons save everything; a draft sent after them would only be thrown away.
  form.addEventListener("submit", () => {
    changed = false;
    window.clearTimeout(timer);
  });
  return keep;
}
