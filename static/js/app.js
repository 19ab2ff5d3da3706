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

  // "Back to the form" on a refused submission: the browser's back keeps what was typed there.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-back]");
    if (!link || window.history.length < 2) return;
    event.preventDefault();
    window.history.back();
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

  // ID numbers: a phone's number pad (what guards and clerks need) has no X, the check character of
  // some numbers, so the field gets a number pad and an X key beside it. Without this script the field
  // stays a plain text field, where X can be typed.
  function idNumberPad(input) {
    if (input.dataset.idPad) return;
    input.dataset.idPad = "1";
    input.setAttribute("inputmode", "numeric");
    var key = document.createElement("button");
    key.type = "button";
    key.className = "secondary id-x";
    key.textContent = "X";
    key.setAttribute("aria-label", input.getAttribute("data-x-label") || "X");
    key.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the keyboard up
    key.addEventListener("click", function () {
      var start = input.selectionStart == null ? input.value.length : input.selectionStart;
      var end = input.selectionEnd == null ? input.value.length : input.selectionEnd;
      input.value = input.value.slice(0, start) + "X" + input.value.slice(end);
      input.focus();
      if (input.setSelectionRange) input.setSelectionRange(start + 1, start + 1);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    input.after(key);
  }
  document.querySelectorAll("input[data-id-number]").forEach(idNumberPad);
  // Rows copied by a page's script (a vehicle's people on board) get theirs too.
  new MutationObserver(function () {
    document.querySelectorAll("input[data-id-number]:not([data-id-pad])").forEach(idNumberPad);
  }).observe(document.body, { childList: true, subtree: true });

  // Pages restored from the back/forward cache get their buttons back.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[data-auto-disabled]").forEach(function (button) { button.disabled = false; delete button.dataset.autoDisabled; });
  });
})();
