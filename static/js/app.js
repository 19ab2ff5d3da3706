// Cordon's own behaviour on every page. No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // Ask before a destructive action (forms marked data-confirm="…").
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // One press, one submission: disable the buttons while the page is on its way.
    if (!event.defaultPrevented && !form.hasAttribute("hx-get")) {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; button.dataset.autoDisabled = "1"; }, 0);
      });
    }
  });

  // Copy a one-time secret to the clipboard.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (target && navigator.clipboard) {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied") || "✓";
      });
    }
  });

  // Pages restored from the back/forward cache get their buttons back.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[data-auto-disabled]").forEach(function (button) { button.disabled = false; delete button.dataset.autoDisabled; });
  });
})();
