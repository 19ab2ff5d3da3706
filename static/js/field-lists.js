// The lists a guard's phone keeps for a shift without signal, and how old each is.
//
// The gate page (#field-lists with data-flags-url and data-revoked-url) downloads, while online, its
// village's flags list (the people under observation, in quarantine, or from a sealed area without a
// pass: masked names, ID numbers only as a salted SHA-256) and the gate's revocation list, keeps both
// in localStorage with the time they were fetched, and says in Chinese how old each is. The flags list
// is dropped at its expiry (the end of the guard's duty shift). `window.cordonFlagList.lookup(number)`
// answers an ID number typed without a network from the kept list. The guard's home page shows the
// same ages from the same copies ([data-list-ages] elements), without downloading anything.
(function () {
  "use strict";

  var REFRESH_MS = 30 * 60000; // a fresh flags list every half hour while online

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function stamp(ms) {
    var d = new Date(ms);
    return two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }
  function minutesAgo(ms) { return Math.max(0, Math.round((Date.now() - ms) / 60000)); }
  function flagsKey(url) { return "cordon.gate.flags." + url; }
  function revokedKey(url) { return "cordon.passes.revoked." + url; } // shared with the pass check page

  // A kept flags list, or null when there is none or it has expired (then it is removed).
  function keptFlags(url) {
    var list = load(flagsKey(url));
    if (list && Date.parse(list.expires_at) <= Date.now()) {
      try { window.localStorage.removeItem(flagsKey(url)); } catch (e) { /* nothing kept */ }
      return { expired: true };
    }
    return list;
  }

  function ageLines(box) {
    var text = box.dataset, lines = [];
    var flags = keptFlags(text.flagsUrl);
    if (!flags) lines.push(text.msgFlagsNone);
    else if (flags.expired) lines.push(text.msgFlagsExpired);
    else {
      lines.push(text.msgFlagsAge.replace("{time}", stamp(flags.fetched_at))
        .replace("{minutes}", minutesAgo(flags.fetched_at))
        .replace("{n}", flags.people.length)
        .replace("{until}", stamp(Date.parse(flags.expires_at))));
    }
    var revoked = load(revokedKey(text.revokedUrl));
    lines.push(revoked ? text.msgRevokedAge.replace("{time}", stamp(revoked.fetched_at))
      .replace("{minutes}", minutesAgo(revoked.fetched_at)) : text.msgRevokedNone);
    return lines;
  }

  function show(box) {
    box.textContent = "";
    ageLines(box).forEach(function (line) {
      var p = document.createElement("p");
      p.className = "small muted list-age";
      p.textContent = line;
      box.appendChild(p);
    });
    box.hidden = false;
  }

  function fetchJson(url) {
    return window.fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }

  function refresh(box) {
    var text = box.dataset;
    if (!navigator.onLine) return Promise.resolve();
    var jobs = [];
    var flags = keptFlags(text.flagsUrl);
    if (!flags || flags.expired || Date.now() - flags.fetched_at > REFRESH_MS) {
      jobs.push(fetchJson(text.flagsUrl).then(function (data) {
        if (data) { data.fetched_at = Date.now(); save(flagsKey(text.flagsUrl), data); }
      }));
    }
    jobs.push(fetchJson(text.revokedUrl).then(function (data) {
      if (data) { data.fetched_at = Date.now(); save(revokedKey(text.revokedUrl), data); }
    }));
    return Promise.all(jobs.map(function (job) { return job.catch(function () { return null; }); }));
  }

  // The same compaction the server applies to an ID number: full-width to half-width, no spaces or
  // separators, upper case.
  function compact(number) {
    var text = String(number || "");
    if (text.normalize) text = text.normalize("NFKC");
    return text.replace(/[\s\-_.·/]/g, "").toUpperCase();
  }
  function sha256hex(text) {
    if (window.crypto && window.crypto.subtle && window.TextEncoder) {
      return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
        return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
      });
    }
    if (window.cordonP256 && window.cordonP256.sha256hex) return Promise.resolve(window.cordonP256.sha256hex(text));
    return Promise.reject(new Error("no SHA-256"));
  }

  var gateBox = document.getElementById("field-lists");

  // {state: "flagged" | "clear" | "none" | "expired", person, list} for an ID number, from the phone.
  function lookup(number) {
    var list = gateBox && keptFlags(gateBox.dataset.flagsUrl);
    if (!list) return Promise.resolve({ state: "none" });
    if (list.expired) return Promise.resolve({ state: "expired" });
    return sha256hex(list.salt + compact(number)).then(function (key) {
      var found = null;
      list.people.forEach(function (row) { if (row.key === key) found = row; });
      return { state: found ? "flagged" : "clear", person: found, list: list };
    });
  }

  if (gateBox) {
    window.cordonFlagList = { lookup: lookup, describe: function () { return ageLines(gateBox); } };
    show(gateBox);
    refresh(gateBox).then(function () { show(gateBox); });
    window.addEventListener("online", function () { refresh(gateBox).then(function () { show(gateBox); }); });
    window.setInterval(function () { show(gateBox); }, 60000);
  }
  document.querySelectorAll("[data-list-ages]").forEach(show);
})();
