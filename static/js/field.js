// The field pages work without a network where the browser allows it: this registers the service
// worker that keeps the page and its scripts (scope /checkpoints/), and says plainly on the page when
// it cannot — a page served over plain HTTP is not a secure context, and browsers give service workers
// only to secure ones. Entries are kept on the phone either way; only reopening without signal needs it.
(function () {
  "use strict";
  var box = document.getElementById("field-offline");
  if (!box) return;
  var text = box.dataset;
  function say(message, kind) {
    box.textContent = message;
    box.className = "field-offline small " + kind;
    box.hidden = false;
  }
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    say(text.msgUnavailable, "warn");
    return;
  }
  function register() {
    navigator.serviceWorker.register(text.swUrl, { scope: text.swScope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      say(text.msgReady, "muted");
      box.dataset.ready = "1";
    }).catch(function () {
      // The signal went before the worker's script arrived: try again when it is back, rather
      // than telling the guard that this phone cannot keep the page.
      if (!navigator.onLine) {
        window.addEventListener("online", register, { once: true });
        return;
      }
      say(text.msgUnavailable, "warn");
    });
  }
  register();
})();
