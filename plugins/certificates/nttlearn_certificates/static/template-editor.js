// Live preview for the certificate template editor: when the trainer pauses typing (or picks a
// colour or an image), the form is sent to the preview URL and the server-drawn PDF replaces the
// one in the frame. Without JavaScript the "Preview" button does the same.
(function () {
  "use strict";
  var DELAY_MS = 800;

  function start() {
    var form = document.querySelector("form[data-certificate-editor]");
    if (!form) { return; }
    var button = form.querySelector("[data-preview-button]");
    if (!button || typeof form.requestSubmit !== "function") { return; }
    var timer = null;
    function refresh() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { form.requestSubmit(button); }, DELAY_MS);
    }
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
