// The person picker: a search box above a field that takes ID numbers (an exit pass's people, a
// contact's row), so nobody types an 18-digit number for someone already registered. It asks the
// people search (scoped and masked as the search page is) and writes the chosen person's reference
// ("#123 尹某某") into the field, which the server reads in place of an ID number; a textarea gets one
// line per person. Without this script the fields take ID numbers as before.
(function () {
  "use strict";

  function attach(field) {
    if (field.dataset.pickerReady) return;
    field.dataset.pickerReady = "1";
    var box = document.createElement("div");
    box.className = "person-picker";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "picker-search";
    search.placeholder = field.dataset.msgSearch || "";
    search.setAttribute("aria-label", field.dataset.msgHint || field.dataset.msgSearch || "");
    search.title = field.dataset.msgHint || field.dataset.msgSearch || "";
    search.autocomplete = "off";
    var list = document.createElement("ul");
    list.className = "picker-results";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(search);
    box.appendChild(list);
    field.before(box);

    var timer = null, asked = "";
    function choose(person) {
      if (field.tagName === "TEXTAREA") {
        var lines = field.value.split("\n").filter(function (line) { return line.trim(); });
        if (lines.some(function (line) { return line.split(/\s/)[0] === person.ref; })) return;
        lines.push(person.ref + " " + person.name);
        field.value = lines.join("\n");
      } else {
        field.value = person.ref + " " + person.name;
        // A contact's row: its name too, so the row reads as the person chosen.
        var row = field.closest("fieldset, .grid, form");
        var name = row && row.querySelector("input[name=row_name]");
        if (name && !name.value) name.value = person.name;
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
      search.value = "";
      list.hidden = true;
      list.textContent = "";
    }
    function show(results) {
      list.textContent = "";
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "small muted";
        none.textContent = field.dataset.msgNone || "";
        list.appendChild(none);
      }
      results.forEach(function (person) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary picker-choice";
        button.setAttribute("role", "option");
        button.textContent = person.label;
        button.addEventListener("click", function () { choose(person); });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = false;
    }
    function ask() {
      var q = search.value.trim();
      if (!q) { list.hidden = true; return; }
      if (q === asked) return;
      asked = q;
      var url = field.dataset.pickUrl + "?q=" + encodeURIComponent(q);
      window.fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (search.value.trim() === q) show(data.results || []); })
        .catch(function () { /* offline: type the number */ });
    }
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      asked = asked === search.value.trim() ? asked : "";
      timer = window.setTimeout(ask, 250);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); ask(); } // never submits the form
    });
  }

  document.querySelectorAll("[data-person-picker]").forEach(attach);
  // Rows added by a page's script (another contact) get theirs too.
  new MutationObserver(function () {
    document.querySelectorAll("[data-person-picker]:not([data-picker-ready])").forEach(attach);
  }).observe(document.body, { childList: true, subtree: true });
})();
