// Checking an exit pass at the gate: the camera reads the card's QR code (jsQR), the page verifies the
// token's signature with the server's public key (ECDSA P-256) and its window and area — so a forged
// or altered card is caught even without a network — then, when online, always asks the server too,
// which also knows whether the pass was revoked. WebCrypto verifies where the page is a secure context;
// on a plain-HTTP intranet page `crypto.subtle` is missing and @noble/curves (vendor/noble/p256.js,
// served by the app) verifies the same signature instead.
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
  var LIST_KEY = "cordon.passes.revoked." + form.dataset.revokedUrl;

  // The gate's revocation list, kept on the phone with the time it was fetched, so that a revoked or
  // replaced card is refused without a network too; the page says how old the copy is.
  function savedList() {
    try { return JSON.parse(window.localStorage.getItem(LIST_KEY) || "null"); } catch (e) { return null; }
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function listAge() {
    var list = savedList();
    if (!list) return form.dataset.msgListNone;
    var at = new Date(list.fetched_at);
    var minutes = Math.max(0, Math.round((Date.now() - list.fetched_at) / 60000));
    return form.dataset.msgListAge.replace("{time}", two(at.getMonth() + 1) + "-" + two(at.getDate()) + " " +
      two(at.getHours()) + ":" + two(at.getMinutes())).replace("{minutes}", minutes);
  }
  function showListAge() {
    var box = document.getElementById("revocation-age");
    if (box) box.textContent = listAge();
  }
  function refreshList() {
    if (!navigator.onLine) { showListAge(); return Promise.resolve(); }
    return window.fetch(form.dataset.revokedUrl, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (data) {
        data.fetched_at = Date.now();
        try { window.localStorage.setItem(LIST_KEY, JSON.stringify(data)); } catch (e) { /* private mode */ }
      }
      showListAge();
    }).catch(showListAge);
  }

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

  // A QR code or a scanner may give the token alone or a link to the check page carrying it after "#".
  function tokenFrom(text) {
    var value = (text || "").trim();
    var at = value.indexOf("#CDP1.");
    if (at >= 0) value = value.slice(at + 1);
    return value.indexOf("CDP1.") === 0 ? value : "";
  }

  function signatureHolds(signed, signature) {
    if (window.crypto && window.crypto.subtle) {
      return window.crypto.subtle.importKey("jwk", key, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])
        .then(function (publicKey) {
          return window.crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, signature, signed);
        });
    }
    if (!window.cordonP256) return Promise.reject(new Error("no verifier"));
    var point = new Uint8Array(65);
    point[0] = 4;
    point.set(b64(key.x), 1);
    point.set(b64(key.y), 33);
    return Promise.resolve(window.cordonP256.verify(signature, signed, point));
  }

  // Verify a token on this phone: signature, then window and area.
  function verify(token) {
    var parts = (token || "").split(".");
    if (parts.length !== 3 || parts[0] !== "CDP1") return Promise.resolve({ state: "invalid" });
    var signed = new TextEncoder().encode(parts[0] + "." + parts[1]);
    return signatureHolds(signed, b64(parts[2]))
      .then(function (ok) {
        if (!ok) return { state: "invalid" };
        var payload = JSON.parse(new TextDecoder().decode(b64(parts[1])));
        var now = Date.now() / 1000;
        var state = "valid";
        var list = savedList();
        if (list && list.revoked.indexOf(payload.p) >= 0) state = "revoked";
        else if (list && list.versions[String(payload.p)] && list.versions[String(payload.p)] !== payload.v) state = "replaced";
        else if (form.dataset.area.indexOf(payload.a) !== 0) state = "wrong_checkpoint";
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
      show(local.state, local.hints, navigator.onLine ? form.dataset.msgAsking : form.dataset.msgOffline + " " + listAge());
      if (navigator.onLine) {
        // The server's answer is the one that counts: it adds revocation, and offers to record the use.
        document.getElementById("token").value = token;
        form.submit();
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
      if (code && code.data) { found(tokenFrom(code.data) || code.data); return; }
    }
    window.requestAnimationFrame(tick);
  }

  // Without a secure context (plain HTTP) the browser offers no camera: say so, and offer the short code
  // or the phone's own camera app (the card's QR code is a link to this check).
  function noCamera() {
    show("unknown", [], form.dataset.msgCamera);
    document.getElementById("short_code").focus();
  }
  var cameraPossible = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  if (!cameraPossible) document.getElementById("camera-note").hidden = false;

  document.getElementById("scan").addEventListener("click", function () {
    if (!cameraPossible) { noCamera(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      video.play();
      window.requestAnimationFrame(tick);
    }).catch(noCamera);
  });

  // A token typed or pasted (some scanners type what they read) is checked the same way.
  document.getElementById("short_code").addEventListener("change", function (event) {
    var value = tokenFrom(event.target.value);
    if (value) { event.target.value = ""; found(value); }
  });

  // Opened from the card's QR code by the phone's own camera app: the token came after "#", which the
  // browser never sends to the server (nor into its logs); it is taken off the address at once.
  var fromLink = tokenFrom(window.location.hash);
  if (fromLink) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    found(fromLink);
  }
  window.addEventListener("online", refreshList);
  refreshList();
  window.cordonVerifyPass = verify;
  window.cordonRefreshRevocations = refreshList; // for the browser test // for the browser test: the same check a scan makes
})();
