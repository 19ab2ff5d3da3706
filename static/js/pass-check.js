// Checking an exit pass at the gate: the camera reads the card's QR code (jsQR), the page verifies the
// token's signature with the server's public key (WebCrypto, ECDSA P-256) and its window and area —
// so a forged or altered card is caught even without a network — then, when online, asks the server,
// which also knows whether the pass was revoked.
(function () {
  "use strict";

  var form = document.getElementById("pass-form");
  if (!form) return;
  var key = JSON.parse(document.getElementById("pass-key").textContent);
  var labels = JSON.parse(document.getElementById("pass-labels").textContent);
  var result = document.getElementById("pass-result");
  var video = document.getElementById("scanner");
  var canvas = document.getElementById("frame");
  var stream = null;

  function b64(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var raw = atob(s), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function show(state, hints, note) {
    result.textContent = "";
    var card = document.createElement("section");
    card.className = "card pass-result state-" + state;
    var title = document.createElement("h2");
    title.textContent = labels[state] || state;
    card.appendChild(title);
    if (hints && hints.length) {
      var who = document.createElement("p");
      who.textContent = hints.join("、");
      card.appendChild(who);
    }
    if (note) {
      var small = document.createElement("p");
      small.className = "small muted";
      small.textContent = note;
      card.appendChild(small);
    }
    result.appendChild(card);
  }

  // Verify a token on this phone: signature, then window and area.
  function verify(token) {
    var parts = token.split(".");
    if (parts.length !== 3 || parts[0] !== "CDP1" || !window.crypto || !window.crypto.subtle) {
      return Promise.resolve({ state: "invalid" });
    }
    var signed = new TextEncoder().encode(parts[0] + "." + parts[1]);
    return window.crypto.subtle.importKey("jwk", key, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])
      .then(function (publicKey) {
        return window.crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, b64(parts[2]), signed);
      })
      .then(function (ok) {
        if (!ok) return { state: "invalid" };
        var payload = JSON.parse(new TextDecoder().decode(b64(parts[1])));
        var now = Date.now() / 1000;
        var state = "valid";
        if (form.dataset.area.indexOf(payload.a) !== 0) state = "wrong_checkpoint";
        else if (now < payload.f) state = "not_yet_valid";
        else if (now > payload.u) state = "expired";
        return { state: state, hints: payload.h };
      })
      .catch(function () { return { state: "invalid" }; });
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
  }

  function found(token) {
    stop();
    verify(token).then(function (local) {
      show(local.state, local.hints, navigator.onLine ? "" : form.dataset.msgOffline);
      if (navigator.onLine && local.state !== "invalid") {
        document.getElementById("token").value = token;
        form.submit(); // the server's answer adds revocation, and offers to record the use
      }
    });
  }

  function tick() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR && window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) { found(code.data); return; }
    }
    window.requestAnimationFrame(tick);
  }

  document.getElementById("scan").addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      show("unknown", [], form.dataset.msgCamera);
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      video.play();
      window.requestAnimationFrame(tick);
    }).catch(function () { show("unknown", [], form.dataset.msgCamera); });
  });

  // A token typed or pasted (some scanners type what they read) is checked the same way.
  document.getElementById("short_code").addEventListener("change", function (event) {
    var value = event.target.value.trim();
    if (value.indexOf("CDP1.") === 0) { event.target.value = ""; found(value); }
  });
  window.cordonVerifyPass = verify; // for the browser test: the same check a scan makes
})();
