// The guard's page: the ID number is checked as soon as it is typed (flags before the decision), and a
// decision is sent as JSON with the entry's id. Every entry is first written to the phone (IndexedDB,
// which survives a reload, a locked phone and a browser restart; localStorage where IndexedDB is
// missing) and leaves it only once the server has taken it: an entry the server refuses stays, with
// the server's message next to its field, until the guard fixes or discards it; entries made without
// a network wait on the phone and are sent when it is back, and those the server refuses then are
// listed as "not accepted" for the guard to open and fix. The same id twice is stored once. Without
// this script the form still works, one post at a time.
(function () {
  "use strict";

  var form = document.getElementById("gate-form");
  if (!form) return;
  var QUEUE = form.dataset.batchUrl;
  var LEGACY_KEY = "cordon.gate.queue." + QUEUE; // the page's earlier store: moved into IndexedDB
  var FALLBACK_KEY = "cordon.gate.entries." + QUEUE;
  var banner = document.getElementById("gate-queue");
  var flags = document.getElementById("gate-flags");
  var pending = document.getElementById("gate-pending");
  var text = form.dataset;
  var sending = false;
  var ENTRY_FIELDS = ["direction", "subject", "document_number", "name", "phone", "plate", "passengers", "origin",
    "destination", "purpose", "temperature", "reason", "vehicle_type", "visited_name", "visited_phone",
    "self_registration"];
  var CLEARED = ["document_number", "name", "phone", "plate", "passengers", "temperature", "purpose", "reason",
    "vehicle_type", "visited_name", "visited_phone", "self_registration"];

  // --- The phone's store: one record per entry, {client_id, queue, state: waiting | refused, entry,
  // errors, fields, at}. -------------------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        var request = window.indexedDB.open("cordon-field", 1);
        request.onupgradeneeded = function () {
          var store = request.result.createObjectStore("gate-entries", { keyPath: "client_id" });
          store.createIndex("queue", "queue");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }
  function tx(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var t = database.transaction("gate-entries", mode);
        var result = work(t.objectStore("gate-entries"));
        t.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function fallbackLoad() {
    try { return JSON.parse(window.localStorage.getItem(FALLBACK_KEY) || "[]"); } catch (e) { return []; }
  }
  function fallbackStore(records) {
    try { window.localStorage.setItem(FALLBACK_KEY, JSON.stringify(records)); } catch (e) { /* private mode */ }
  }
  function all() {
    return tx("readonly", function (store) { return store.index("queue").getAll(QUEUE); })
      .then(function (records) {
        return (records || []).sort(function (a, b) { return a.at - b.at; });
      })
      .catch(function () { return fallbackLoad(); });
  }
  function put(record) {
    record.queue = QUEUE;
    return tx("readwrite", function (store) { store.put(record); }).catch(function () {
      var records = fallbackLoad().filter(function (r) { return r.client_id !== record.client_id; });
      records.push(record);
      fallbackStore(records);
    });
  }
  function remove(clientId) {
    return tx("readwrite", function (store) { store.delete(clientId); }).catch(function () {
      fallbackStore(fallbackLoad().filter(function (r) { return r.client_id !== clientId; }));
    });
  }
  function migrate() {
    var legacy;
    try { legacy = JSON.parse(window.localStorage.getItem(LEGACY_KEY) || "[]"); } catch (e) { legacy = []; }
    if (!legacy.length) return Promise.resolve();
    return Promise.all(legacy.map(function (entry, n) {
      return put({ client_id: entry.client_id, state: "waiting", entry: entry, at: Date.now() + n });
    })).then(function () { window.localStorage.removeItem(LEGACY_KEY); });
  }

  // --- Helpers --------------------------------------------------------------------------------------
  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function token() {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }
  function say(message, kind) {
    banner.hidden = !message;
    banner.textContent = message;
    banner.className = "queue-banner " + (kind || "");
  }
  function post(url, body, type) {
    return window.fetch(url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": token(), "Content-Type": type, "X-Requested-With": "fetch" }
    });
  }
  function decisionLabel(value) {
    var button = form.querySelector("button[name=decision][value=" + value + "]");
    return button ? button.textContent.trim() : value;
  }
  function clockOf(iso) {
    var d = new Date(iso);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  // The vehicle fields only for a vehicle.
  function showVehicle() {
    var vehicle = form.querySelector("input[name=subject]:checked").value === "vehicle";
    form.querySelectorAll(".vehicle-fields").forEach(function (box) { box.hidden = !vehicle; });
  }
  form.querySelectorAll("input[name=subject]").forEach(function (r) { r.addEventListener("change", showVehicle); });
  showVehicle();

  // One more row for the people on board: a copy of the last, emptied.
  function addOccupantRow() {
    var rows = form.querySelectorAll(".occupant-row");
    var row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; delete input.dataset.idPad; });
    row.querySelectorAll(".id-x").forEach(function (key) { key.remove(); }); // the page's script adds live ones
    rows[rows.length - 1].after(row);
    return row;
  }
  document.getElementById("add-occupant").addEventListener("click", function () {
    addOccupantRow().querySelector("input").focus();
  });

  // Check an ID number once it is complete (18 characters), or on the button.
  var numberBox = document.getElementById("document_number");
  function check(event) {
    if (event) event.preventDefault();
    var number = numberBox.value.trim();
    if (!number) return;
    if (!navigator.onLine) { offlineCheck(number); return; }
    var body = new URLSearchParams({ document_number: number }).toString();
    post(text.checkUrl, body, "application/x-www-form-urlencoded").then(function (r) {
      if (!r.ok && r.status !== 422) throw new Error(r.status);
      return r.json();
    }).then(function (data) {
      flags.textContent = "";
      var card = document.createElement("div");
      card.className = "gate-check card" + (data.flags && data.flags.length ? " alert-card" : "");
      var who = document.createElement("strong");
      who.textContent = data.known ? data.name : (data.errors ? Object.values(data.errors).join(" ") : text.msgUnknown);
      card.appendChild(who);
      (data.flag_labels || []).forEach(function (label) {
        var badge = document.createElement("span");
        badge.className = "badge danger";
        badge.textContent = label;
        card.appendChild(document.createTextNode(" "));
        card.appendChild(badge);
      });
      if (data.until) card.appendChild(document.createTextNode(" " + data.until));
      if (data.colour) {
        // Cordon's own status colour, with its reasons: not the province's health code.
        var colour = document.createElement("div");
        colour.className = "status-colour status-" + data.colour;
        colour.setAttribute("data-colour", data.colour);
        var colourBadge = document.createElement("span");
        colourBadge.className = "badge" + (data.colour === "red" ? " danger" : data.colour === "yellow" ? " warn" : " ok");
        colourBadge.textContent = data.colour_label;
        colour.appendChild(colourBadge);
        var why = (data.colour_reasons || []).join("；");
        if (data.colour_since) why += (why ? " · " : "") + data.colour_since;
        if (why) colour.appendChild(document.createTextNode(" " + why));
        card.appendChild(colour);
      }
      if (data.turn) {
        var turn = document.createElement("div");
        turn.className = "small";
        turn.textContent = data.turn;
        card.appendChild(turn);
      }
      flags.appendChild(card);
    }).catch(function () { offlineCheck(number); });
  }

  // Without a network: the flags list this phone downloaded for the shift (field-lists.js). The server
  // still flags the entry when it is sent.
  function offlineCheck(number) {
    flags.textContent = "";
    var card = document.createElement("div");
    card.className = "gate-check card offline-check";
    flags.appendChild(card);
    function line(message, className) {
      var node = document.createElement(className === "strong" ? "strong" : "div");
      if (className && className !== "strong") node.className = className;
      node.textContent = message;
      card.appendChild(node);
      return node;
    }
    if (!window.cordonFlagList) { line(text.msgOfflineNone, "small"); return; }
    window.cordonFlagList.lookup(number).then(function (found) {
      if (found.state === "none" || found.state === "expired") {
        line(found.state === "none" ? text.msgOfflineNone : text.msgOfflineExpired, "small");
        return;
      }
      var age = Math.max(0, Math.round((Date.now() - found.list.fetched_at) / 60000));
      if (found.state === "clear") {
        line(text.msgOfflineClear.replace("{minutes}", age), "small");
        return;
      }
      card.className += " alert-card";
      line(found.person.name + " · " + found.person.tail, "strong");
      found.person.flags.forEach(function (flag) {
        var badge = document.createElement("span");
        badge.className = "badge danger";
        badge.textContent = found.list.labels[flag] || flag;
        card.appendChild(document.createTextNode(" "));
        card.appendChild(badge);
      });
      if (found.person.until) card.appendChild(document.createTextNode(" " + found.person.until));
      line(text.msgOfflineFlagged.replace("{minutes}", age), "small");
    }).catch(function () { line(text.msgOfflineNone, "small"); });
  }
  document.getElementById("check-button").addEventListener("click", check);
  numberBox.addEventListener("input", function () { if (numberBox.value.trim().length === 18) check(); });

  function entryFrom(decision) {
    var data = new FormData(form);
    var entry = { client_id: data.get("client_id"), decision: decision, occurred_at: new Date().toISOString() };
    ENTRY_FIELDS.forEach(function (key) { entry[key] = (data.get(key) || "").toString().trim(); });
    entry.occupants = [];
    if (entry.subject === "vehicle") {
      form.querySelectorAll(".occupant-row").forEach(function (row) {
        var person = {};
        ["name", "document_number", "temperature"].forEach(function (key) {
          person[key] = row.querySelector("[name=occupant_" + key + "]").value.trim();
        });
        if (person.name || person.document_number || person.temperature) entry.occupants.push(person);
      });
    }
    return entry;
  }

  // Ready for the next one: a new id, the fields emptied (direction and subject kept).
  function resetForm() {
    form.querySelector("input[name=client_id]").value = newId();
    CLEARED.forEach(function (key) {
      var input = form.querySelector("[name=" + key + "]");
      if (input) input.value = "";
    });
    form.querySelectorAll(".occupant-row input").forEach(function (input) { input.value = ""; });
    flags.textContent = "";
    form.querySelectorAll(".visit-banner").forEach(function (node) { node.remove(); });
    clearFieldErrors();
  }

  // An entry back in the form, to be fixed: its id kept, so a fixed entry is still stored once.
  function fillForm(record) {
    var entry = record.entry;
    form.querySelector("input[name=client_id]").value = entry.client_id;
    ["direction", "subject"].forEach(function (key) {
      var radio = form.querySelector("input[name=" + key + "][value=" + (entry[key] || "") + "]");
      if (radio) radio.checked = true;
    });
    CLEARED.concat(["origin", "destination"]).forEach(function (key) {
      var input = form.querySelector("[name=" + key + "]");
      if (input) input.value = entry[key] || "";
    });
    var rows = form.querySelectorAll(".occupant-row");
    rows.forEach(function (row) { row.querySelectorAll("input").forEach(function (input) { input.value = ""; }); });
    (entry.occupants || []).forEach(function (person, n) {
      var row = form.querySelectorAll(".occupant-row")[n] || addOccupantRow();
      ["name", "document_number", "temperature"].forEach(function (key) {
        row.querySelector("[name=occupant_" + key + "]").value = person[key] || "";
      });
    });
    showVehicle();
    showFieldErrors(record);
  }

  // The server's messages, each next to its field when the form has one, else above the buttons.
  function clearFieldErrors() {
    form.querySelectorAll("[data-server-error]").forEach(function (node) { node.remove(); });
  }
  function showFieldErrors(record) {
    clearFieldErrors();
    var fields = record.fields || {};
    var rest = [];
    Object.keys(fields).forEach(function (key) {
      var input = form.querySelector("[name=" + key.replace(/[^a-z_]/g, "") + "]");
      var box = input && input.closest(".field");
      if (!box || key.indexOf(".") >= 0) return;
      var list = document.createElement("ul");
      list.className = "errors";
      list.setAttribute("data-server-error", "");
      list.setAttribute("role", "alert");
      fields[key].forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      box.appendChild(list);
      if (input.setAttribute) input.setAttribute("aria-invalid", "true");
    });
    (record.errors || []).forEach(function (line, n) {
      // A labelled line whose field shows its message already is not said twice.
      var shown = Object.keys(fields).some(function (key) {
        return key.indexOf(".") < 0 && form.querySelector("[name=" + key + "]") && fields[key].some(function (m) {
          return line.slice(-m.length) === m;
        });
      });
      if (!shown) rest.push(line);
    });
    if (rest.length) {
      var general = document.createElement("ul");
      general.className = "form-errors";
      general.setAttribute("data-server-error", "");
      general.setAttribute("role", "alert");
      rest.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        general.appendChild(item);
      });
      form.querySelector(".decisions").before(general);
    }
    var first = form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  }

  // What is on the phone: how many wait to be sent, and the entries the server did not accept.
  function render() {
    return all().then(function (records) {
      var waiting = records.filter(function (r) { return r.state !== "refused"; });
      var refused = records.filter(function (r) { return r.state === "refused"; });
      pending.hidden = !records.length;
      document.getElementById("gate-waiting-count").textContent =
        waiting.length ? text.msgPending.replace("{n}", waiting.length) : "";
      var list = document.getElementById("gate-refused-list");
      list.textContent = "";
      document.getElementById("gate-refused").hidden = !refused.length;
      var current = form.querySelector("input[name=client_id]").value;
      refused.forEach(function (record) {
        var entry = record.entry;
        var item = document.createElement("li");
        item.className = "refused-entry" + (record.client_id === current ? " editing" : "");
        var head = document.createElement("strong");
        head.textContent = clockOf(entry.occurred_at) + " · " + (entry.name || entry.plate || entry.document_number.slice(-4) || "—") +
          " · " + decisionLabel(entry.decision);
        item.appendChild(head);
        var why = document.createElement("div");
        why.className = "small";
        why.textContent = (record.errors || []).join("；");
        item.appendChild(why);
        var actions = document.createElement("div");
        actions.className = "actions";
        var fix = document.createElement("button");
        fix.type = "button";
        fix.className = "secondary small";
        fix.textContent = text.msgFix;
        fix.addEventListener("click", function () {
          fillForm(record);
          say(text.msgFixing, "error");
          render();
          form.scrollIntoView();
        });
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "danger small";
        drop.textContent = text.msgDiscard;
        drop.addEventListener("click", function () {
          if (!window.confirm(text.msgDiscardConfirm)) return;
          remove(record.client_id).then(function () {
            if (form.querySelector("input[name=client_id]").value === record.client_id) resetForm();
            say("", "");
            render();
          });
        });
        actions.appendChild(fix);
        actions.appendChild(drop);
        item.appendChild(actions);
        list.appendChild(item);
      });
    });
  }

  // Today's count and list, drawn afresh from the page once entries have been stored.
  function refreshToday() {
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : Promise.reject(r.status);
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      ["gate-today", "gate-today-link", "gate-visitors"].forEach(function (id) {
        var now = document.getElementById(id), then = fresh.getElementById(id);
        if (now && then) now.replaceWith(then);
      });
    }).catch(function () { /* offline again: the list catches up next time */ });
  }

  // Send records and file each answer: taken → off the phone; refused → kept, with its messages.
  function deliver(records) {
    return post(text.batchUrl, JSON.stringify(records.map(function (r) { return r.entry; })), "application/json")
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (data) {
        var byId = {};
        records.forEach(function (r) { byId[r.client_id] = r; });
        var refused = [];
        return Promise.all(data.results.map(function (result) {
          var record = byId[result.client_id];
          if (!record) return null;
          if (result.status === "refused") {
            record.state = "refused";
            record.errors = result.errors || [];
            record.fields = result.fields || {};
            refused.push(record);
            return put(record);
          }
          return remove(result.client_id);
        })).then(function () { return refused; });
      });
  }

  function send() {
    if (sending) return Promise.resolve();
    return all().then(function (records) {
      var waiting = records.filter(function (r) { return r.state !== "refused"; });
      if (!waiting.length) { render(); return null; }
      sending = true;
      return deliver(waiting).then(function (refused) {
        sending = false;
        if (refused.length) say(text.msgRefusedList.replace("{n}", refused.length), "error");
        else say(text.msgSaved, "ok");
        refreshToday();
        return render();
      }).catch(function () {
        sending = false;
        say(text.msgQueued, "");
        return render();
      });
    });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.name !== "decision") return; // "check" without a script: the page posts
    event.preventDefault();
    var entry = entryFrom(button.value);
    var record = { client_id: entry.client_id, state: "waiting", entry: entry, at: Date.now() };
    form.querySelectorAll("button[name=decision]").forEach(function (b) { b.disabled = true; });
    function done() {
      form.querySelectorAll("button[name=decision]").forEach(function (b) { b.disabled = false; });
      render();
    }
    put(record).then(function () {
      clearFieldErrors();
      if (sending || !navigator.onLine) {
        // Kept on the phone, sent with the others: the form is free for the next person.
        resetForm();
        say(text.msgQueued, "");
        numberBox.focus();
        return null;
      }
      sending = true;
      return deliver([record]).then(function (refused) {
        sending = false;
        if (refused.length) {
          // The form keeps the entry, the messages next to their fields, until fixed or discarded.
          showFieldErrors(refused[0]);
          say(text.msgRefusedHere, "error");
          return null;
        }
        resetForm();
        say(text.msgSaved, "ok");
        numberBox.focus();
        refreshToday();
        return send(); // anything that was waiting goes too
      }, function () {
        sending = false;
        resetForm();
        say(text.msgQueued, "");
        numberBox.focus();
      });
    }).then(done, done);
  });

  window.addEventListener("online", send);
  window.setInterval(send, 30000);
  migrate().then(render).then(send);
  window.cordonGateRecords = all; // for the browser tests: what the phone keeps
})();
