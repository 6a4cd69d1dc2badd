// Progressive enhancement only: every page works without JavaScript.
const pageLabels = document.currentScript ? document.currentScript.dataset : {};  // translated by base.html
document.addEventListener("DOMContentLoaded", () => {
  // Switch language as soon as a language is chosen (the button stays for keyboard and no-JS users).
  document.querySelectorAll("[data-language-switcher] select").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // Ask before destructive actions, in a native <dialog> (modal, Escape cancels, focus goes back
  // to the button that opened it). Confirming sends confirmed=1, so a view that asks on a page of
  // its own when JavaScript is off (nttlearn/confirm.py) acts at once.
  let dialogCount = 0;
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    const opener = form.querySelector("button[type=submit], button:not([type])");
    if (typeof HTMLDialogElement !== "function" || !opener) {
      form.addEventListener("submit", (event) => {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
      return;
    }
    const dialog = document.createElement("dialog");
    const question = document.createElement("p");
    const actions = document.createElement("form");
    const yes = document.createElement("button");
    const no = document.createElement("button");
    dialogCount += 1;
    dialog.className = "confirm-dialog";
    question.id = `confirm-dialog-${dialogCount}`;
    question.textContent = form.dataset.confirm;
    dialog.setAttribute("aria-labelledby", question.id);
    actions.method = "dialog";
    actions.className = "actions";
    yes.value = "confirm";
    yes.className = "danger";
    no.value = "cancel";
    no.textContent = pageLabels.cancelLabel || "Cancel";
    no.autofocus = true;  // the safe answer is the one Enter gives
    actions.append(yes, no);
    dialog.append(question, actions);
    document.body.append(dialog);
    let asked = false;
    let submitter = opener;
    form.addEventListener("submit", (event) => {
      if (asked) return;
      event.preventDefault();
      submitter = event.submitter || opener;
      yes.textContent = (submitter.textContent || submitter.value || "").trim();
      dialog.returnValue = "";
      dialog.showModal();
    });
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "confirm") {
        submitter.focus();
        return;
      }
      if (!form.querySelector("input[name=confirmed]")) {
        const field = document.createElement("input");
        field.type = "hidden";
        field.name = "confirmed";
        field.value = "1";
        form.append(field);
      }
      asked = true;
      if (form.requestSubmit) form.requestSubmit(submitter); else form.submit();
    });
  });
  // Prevent double submission of forms (the server is idempotent anyway).
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;  // a question still open: the buttons stay usable
      setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; }), 0);
    });
  });
});
