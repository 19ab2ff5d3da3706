// The card's QR code carries its token after "#": each gate's link takes it along to the check page.
(function () {
  "use strict";
  if (!window.location.hash) return;
  document.querySelectorAll("a[data-keep-hash]").forEach(function (link) {
    link.href = link.href.split("#")[0] + window.location.hash;
  });
})();
