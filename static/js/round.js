// The clerk's round: each temperature is saved as it is entered, and kept on the phone while the
// network is away. Every entry carries an id made here, so a save sent twice (a retry after a lost
// answer) is stored once. Without this script the forms still post one by one.
(function () {
  "use strict";

  var KEY = "cordon.round.queue";
  var list = document.querySelector("ul.round");
  var banner = document.getElementById("round-queue");
  if (!list) return;
  var text = list.dataset;
  var sending = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(queue) {
    try { window.localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* private mode: keep in memory only */ }
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function rowState(rowId, message, kind) {
    var row = document.getElementById(rowId);
    if (!row) return;
    var state = row.querySelector(".state");
    if (state) {
      state.textContent = message;
      state.className = "state small " + (kind || "");
    }
  }
  function showBanner() {
    var pending = load().length;
    if (!banner) return;
    banner.hidden = pending === 0;
    banner.textContent = pending ? text.msgPending.replace("{n}", pending) : "";
  }

  function temperatureProblem(value) {
    var clean = value.replace(/，|,/g, ".").replace(/[０-９]/g, function (d) { return String.fromCharCode(d.charCodeAt(0) - 0xfee0); }).replace("．", ".").trim();
    if (!/^\d{2}(\.\d)?$/.test(clean)) return text.msgFormat;
    var number = parseFloat(clean);
    if (number < 34 || number > 43) return text.msgRange;
    return "";
  }

  function enqueue(form) {
    var input = form.querySelector("input[name=temperature]");
    var problem = temperatureProblem(input.value);
    var rowId = form.closest("li").id;
    if (problem) {
      rowState(rowId, problem, "error");
      input.focus();
      return false;
    }
    var data = new URLSearchParams(new FormData(form));
    data.delete("csrfmiddlewaretoken");
    data.set("client_id", newId());
    var body = data.toString();
    var queue = load();
    // The same values already waiting for this row (a change, then a tap on Save): send them once.
    if (queue.some(function (entry) { return entry.rowId === rowId && entry.values === valuesOf(data); })) return true;
    queue = queue.filter(function (entry) { return entry.rowId !== rowId; });
    queue.push({ url: form.action, body: body, rowId: rowId, values: valuesOf(data) });
    store(queue);
    form.dataset.sent = valuesOf(data);
    var fever = parseFloat(input.value.replace(/，|,/g, ".")) >= parseFloat(form.dataset.fever || "37.3");
    input.classList.toggle("hot", fever);
    rowState(rowId, text.msgSaving, "");
    return true;
  }
  function valuesOf(data) {
    return [data.get("day"), data.get("slot"), data.get("temperature"), data.getAll("symptoms").join("、")].join("|");
  }

  function flush() {
    if (sending) return;
    var queue = load();
    if (!queue.length) { showBanner(); return; }
    sending = true;
    var entry = queue[0];
    window.fetch(entry.url, {
      method: "POST",
      body: entry.body,
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": token()
      }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        rowState(entry.rowId, text.msgLogin, "error");
        throw new Error("login");
      }
      if (response.status >= 500) throw new Error("server");
      return response.json().then(function (answer) {
        drop(entry);
        var row = document.getElementById(entry.rowId);
        if (answer.ok) {
          rowState(entry.rowId, "✓ " + answer.message, answer.fever ? "error" : "saved");
          if (row) row.classList.toggle("alerting", !!answer.alert_open);
          var form = row && row.querySelector("form[data-round]");
          var done = document.getElementById("round-done");
          if (form && done && !form.hasAttribute("data-measured")) {
            form.setAttribute("data-measured", "");
            done.textContent = String(parseInt(done.textContent, 10) + 1);
          }
        } else {
          rowState(entry.rowId, answer.message, "error");
        }
      });
    }).then(function () {
      sending = false;
      flush();
    }, function () {
      sending = false;
      var waiting = load();
      waiting.forEach(function (item) { rowState(item.rowId, text.msgOffline, "pending"); });
      showBanner();
    });
  }
  function drop(entry) {
    store(load().filter(function (item) { return !(item.rowId === entry.rowId && item.body === entry.body); }));
    showBanner();
  }

  list.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-round]");
    if (!form) return;
    event.preventDefault();
    event.stopPropagation();
    if (enqueue(form)) {
      flush();
      var rows = Array.prototype.slice.call(list.querySelectorAll("input.temp"));
      var next = rows[rows.indexOf(form.querySelector("input.temp")) + 1];
      if (next && document.activeElement && document.activeElement.classList.contains("temp")) next.focus();
    }
  }, true);

  // Saved as you go: leaving a changed field saves it.
  list.addEventListener("change", function (event) {
    if (!event.target.classList.contains("temp") || !event.target.value.trim()) return;
    var form = event.target.form;
    if (form && enqueue(form)) flush();
  });

  window.addEventListener("online", flush);
  window.setInterval(function () { if (load().length) flush(); }, 15000);
  showBanner();
  flush();
})();
