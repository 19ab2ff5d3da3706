// The guard's page: the ID number is checked as soon as it is typed (flags before the decision), and a
// decision is sent as JSON with the entry's id. Without a network the entry is kept on the phone and
// sent with the others when the network is back; the same id twice is stored once. Without this
// script the form still works, one post at a time.
(function () {
  "use strict";

  var form = document.getElementById("gate-form");
  if (!form) return;
  var KEY = "cordon.gate.queue." + form.dataset.batchUrl;
  var banner = document.getElementById("gate-queue");
  var flags = document.getElementById("gate-flags");
  var text = form.dataset;
  var sending = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(queue) {
    try { window.localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* private mode */ }
  }
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
  function showPending() {
    var pending = load().length;
    if (pending) say(text.msgPending.replace("{n}", pending), "");
  }
  function post(url, body, type) {
    return window.fetch(url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": token(), "Content-Type": type, "X-Requested-With": "fetch" }
    });
  }

  // The vehicle fields only for a vehicle.
  function showVehicle() {
    var vehicle = form.querySelector("input[name=subject]:checked").value === "vehicle";
    form.querySelectorAll(".vehicle-fields").forEach(function (box) { box.hidden = !vehicle; });
  }
  form.querySelectorAll("input[name=subject]").forEach(function (r) { r.addEventListener("change", showVehicle); });
  showVehicle();

  // One more row for the people on board: a copy of the last, emptied.
  document.getElementById("add-occupant").addEventListener("click", function () {
    var rows = form.querySelectorAll(".occupant-row");
    var row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    rows[rows.length - 1].after(row);
    row.querySelector("input").focus();
  });

  // Check an ID number once it is complete (18 characters), or on the button.
  var numberBox = document.getElementById("document_number");
  function check(event) {
    if (event) event.preventDefault();
    var number = numberBox.value.trim();
    if (!number) return;
    var body = new URLSearchParams({ document_number: number }).toString();
    post(text.checkUrl, body, "application/x-www-form-urlencoded").then(function (r) { return r.json(); }).then(function (data) {
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
    }).catch(function () { /* offline: the guard decides without the check; the server flags it later */ });
  }
  document.getElementById("check-button").addEventListener("click", check);
  numberBox.addEventListener("input", function () { if (numberBox.value.trim().length === 18) check(); });

  function entryFrom(decision) {
    var data = new FormData(form);
    var entry = { client_id: data.get("client_id"), decision: decision, occurred_at: new Date().toISOString() };
    ["direction", "subject", "document_number", "name", "phone", "plate", "passengers", "origin", "destination",
     "purpose", "temperature", "reason", "vehicle_type"].forEach(function (key) { entry[key] = (data.get(key) || "").toString().trim(); });
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

  // Today's count and list, drawn afresh from the page once entries have been stored.
  function refreshToday() {
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : Promise.reject(r.status);
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      ["gate-today", "gate-today-link"].forEach(function (id) {
        var now = document.getElementById(id), then = fresh.getElementById(id);
        if (now && then) now.replaceWith(then);
      });
    }).catch(function () { /* offline again: the list catches up next time */ });
  }

  function send() {
    var queue = load();
    if (sending || !queue.length) { showPending(); return Promise.resolve(); }
    sending = true;
    return post(text.batchUrl, JSON.stringify(queue), "application/json").then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (data) {
      var done = {};
      var refused = [];
      data.results.forEach(function (result) {
        done[result.client_id] = true;
        if (result.status === "refused") refused.push((result.errors || []).join(" "));
      });
      store(load().filter(function (e) { return !done[e.client_id]; }));
      sending = false;
      if (refused.length) say(text.msgRefused + " " + refused.join("；"), "error");
      else say(text.msgSaved, "ok");
      showPending();
      refreshToday();
    }).catch(function () {
      sending = false;
      say(text.msgQueued, "");
    });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.name !== "decision") return; // "check" without a script: the page posts
    event.preventDefault();
    var queue = load();
    queue.push(entryFrom(button.value));
    store(queue);
    // Ready for the next one: a new id, the fields emptied (direction and subject kept).
    form.querySelector("input[name=client_id]").value = newId();
    ["document_number", "name", "phone", "plate", "passengers", "temperature", "purpose", "reason", "vehicle_type"].forEach(function (key) {
      var input = form.querySelector("[name=" + key + "]");
      if (input) input.value = "";
    });
    form.querySelectorAll(".occupant-row input").forEach(function (input) { input.value = ""; });
    flags.textContent = "";
    window.setTimeout(function () { form.querySelectorAll("button").forEach(function (b) { b.disabled = false; }); }, 0);
    send();
    numberBox.focus();
  });

  window.addEventListener("online", send);
  window.setInterval(send, 30000);
  send();
})();
