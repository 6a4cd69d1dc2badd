// Autosave and the countdown of a quiz attempt. Progressive enhancement only: without this
// script every page change (Next, Previous, Save, Finish) saves the page's answers.
(() => {
  "use strict";

  function setupAutosave(form) {
    const url = form.dataset.autosave;
    const status = form.querySelector("[data-save-status]");
    let timer = null;
    let inFlight = false;
    let pending = false;

    function say(message) {
      if (status) status.textContent = message || "";
    }

    function payload() {
      const data = new FormData(form);
      data.delete("nav");
      return data;
    }

    function send(keepalive) {
      if (inFlight) {
        // One save at a time: each is based on the sequence numbers the last one returned.
        pending = true;
        return;
      }
      inFlight = true;
      pending = false;
      say(form.dataset.msgSaving);
      fetch(url, {
        method: "POST", body: payload(), credentials: "same-origin", keepalive: Boolean(keepalive),
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      })
        .then((response) => {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then((result) => {
          Object.entries(result.sequences || {}).forEach(([slot, sequence]) => {
            const input = form.querySelector(`input[data-seq="${slot}"]`);
            if (input) input.value = String(sequence);
          });
          if (result.closed && result.review_url) {
            window.location.assign(result.review_url);
            return;
          }
          say(result.conflicts && result.conflicts.length ? form.dataset.msgConflict : form.dataset.msgSaved);
          form.dataset.saved = String(result.version);
        })
        .catch(() => say(form.dataset.msgOffline))
        .finally(() => {
          inFlight = false;
          if (pending) send(false);
        });
    }

    function soon(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => send(false), delay);
    }

    form.addEventListener("change", () => soon(200));
    form.addEventListener("input", (event) => {
      if (event.target.matches("input[type=text], textarea")) soon(1500);
    });
    form.addEventListener("submit", () => window.clearTimeout(timer));
    window.addEventListener("pagehide", () => {
      if (timer !== null) {
        window.clearTimeout(timer);
        timer = null;
        send(true);
      }
    });
  }

  function setupTimer(box) {
    const deadline = Date.parse(box.dataset.deadline);
    const out = box.querySelector("[data-time-left]");
    if (Number.isNaN(deadline) || !out) return;
    function tick() {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      out.textContent = `${minutes}:${seconds}`;
      if (left === 0) {
        const form = document.querySelector("form.quiz-attempt");
        const save = form && form.querySelector("button[name=nav][value=save]");
        if (save) save.click();  // the server closes the attempt with what was saved
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-autosave]").forEach(setupAutosave);
    document.querySelectorAll("[data-deadline]").forEach(setupTimer);
  });
})();
