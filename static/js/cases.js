// The cases pages: the epidemic curve, the chain graph and its timeline, and more rows when tracing
// contacts. Data comes from <script type="application/json"> blocks (the CSP forbids inline scripts).
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) { return HTML_ESCAPES[c]; });
  }

  function chart(id) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return null;
    var made = window.echarts.init(node, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { made.resize(); });
    return made;
  }

  // Epidemic curve: stacked bars per day.
  var curve = data("curve-data");
  var curveChart = curve && chart("curve");
  if (curveChart) {
    var node = document.getElementById("curve");
    var series = ["confirmed", "asymptomatic", "suspected"].map(function (key) {
      return { name: node.dataset["labels" + key.charAt(0).toUpperCase() + key.slice(1)], type: "bar", stack: "cases",
               data: curve.map(function (d) { return d[key]; }) };
    });
    curveChart.setOption({
      color: ["#c0392b", "#e67e22", "#95a5a6"],
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 36, right: 12, top: 36, bottom: 28 },
      xAxis: { type: "category", data: curve.map(function (d) { return d.day.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
  }

  // The chain: a force graph coloured by status, edges labelled by setting; and a timeline.
  var nodes = data("chain-nodes"), edges = data("chain-edges");
  var graph = nodes && chart("chain-graph");
  if (graph) {
    var labels = data("chain-labels") || {};
    // Edges by setting: the household's red, work blue, a meal orange, a vehicle purple, …
    var settingColours = { household: "#c0392b", work: "#2f80ed", meal: "#e67e22", vehicle: "#8e44ad",
                           care: "#16a085", medical: "#27ae60", social: "#d35400", other: "#7f8c8d" };
    var colours = { "case": "#c0392b", in_quarantine: "#e67e22", observing: "#2f80ed", released: "#27ae60" };
    var statuses = Object.keys(colours);
    var degreeBox = document.getElementById("degree"), untilBox = document.getElementById("until");
    var draw = function () {
      var degree = degreeBox ? degreeBox.value : "", until = untilBox ? untilBox.value : "";
      var shown = edges.filter(function (e) {
        return (!degree || e.degree === degree || e.target.charAt(0) === "c") && (!until || e.last_exposure <= until);
      });
      var keep = {};
      shown.forEach(function (e) { keep[e.source] = keep[e.target] = true; });
      nodes.forEach(function (n) { if (n.root || n.kind === "case") keep[n.id] = true; });
      graph.setOption({
        color: statuses.map(function (s) { return colours[s]; }),
        // ECharts renders a formatter's string as HTML: record text (a case's authority, a name) is
        // escaped so that it is shown as text, never run.
        tooltip: { formatter: function (p) { return escapeHtml(p.data.tip); } },
        legend: { top: 0, data: statuses.map(function (s) { return labels[s] || s; }) },
        series: [{
          type: "graph", layout: "force", roam: true, draggable: true, top: 40,
          force: { repulsion: 140, edgeLength: [50, 110] },
          categories: statuses.map(function (s) { return { name: labels[s] || s }; }),
          label: { show: true, position: "right", fontSize: 12 },
          edgeSymbol: ["none", "arrow"], edgeSymbolSize: 7,
          lineStyle: { opacity: 0.7, width: 1.5 },
          data: nodes.filter(function (n) { return keep[n.id]; }).map(function (n) {
            return { id: n.id, name: n.label || n.name, category: Math.max(0, statuses.indexOf(n.status)),
                     symbolSize: n.root ? 30 : (n.kind === "case" ? 22 : 14), person: n.person, case_id: n["case"],
                     tip: (n.label || n.name) + (n.classification_label ? " · " + n.classification_label : "") + (n.until ? " · " + n.until : "") };
          }),
          links: shown.map(function (e) {
            return { source: e.source, target: e.target, tip: e.setting_label + " · " + e.last_exposure,
                     lineStyle: { type: e.degree === "close" ? "solid" : "dashed", color: settingColours[e.setting] || "#7f8c8d" } };
          })
        }]
      }, true);
    };
    draw();
    [degreeBox, untilBox].forEach(function (input) { if (input) input.addEventListener("change", draw); });
    graph.on("click", function (p) {
      if (p.dataType !== "node") return;
      if (p.data.case_id) window.location.href = "/cases/" + p.data.case_id + "/";
      else if (p.data.person) window.location.href = "/people/" + p.data.person + "/";
    });
    var timeline = chart("chain-timeline");
    if (timeline) {
      var tl = document.getElementById("chain-timeline");
      var names = {};
      nodes.forEach(function (n) { names[n.id] = n.label || n.name; });
      var exposures = edges.map(function (e) { return [e.last_exposure, names[e.target]]; });
      var onsets = nodes.filter(function (n) { return n.onset; }).map(function (n) { return [n.onset, names[n.id]]; });
      var confirmed = nodes.filter(function (n) { return n.confirmed; }).map(function (n) { return [n.confirmed, names[n.id]]; });
      var people = Object.keys(names).map(function (k) { return names[k]; });
      timeline.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return escapeHtml(p.seriesName + "：" + p.data[1] + " " + p.data[0]); } },
        legend: { top: 0 }, grid: { left: 90, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "time" }, yAxis: { type: "category", data: people, axisLabel: { fontSize: 11 } },
        series: [
          { name: tl.dataset.exposure, type: "scatter", data: exposures, symbolSize: 9, itemStyle: { color: "#2f80ed" } },
          { name: tl.dataset.onset, type: "scatter", data: onsets, symbol: "triangle", symbolSize: 12, itemStyle: { color: "#e67e22" } },
          { name: tl.dataset.confirmed, type: "scatter", data: confirmed, symbol: "diamond", symbolSize: 12, itemStyle: { color: "#c0392b" } }
        ]
      });
    }
  }

  // Tracing contacts: another empty row, copied from the last one.
  var add = document.getElementById("add-row");
  if (add) {
    add.addEventListener("click", function () {
      var rows = document.getElementById("contact-rows");
      var last = rows.lastElementChild;
      var copy = last.cloneNode(true);
      copy.classList.remove("has-error");
      // The person picker's box is drawn afresh for the new row (person-picker.js).
      copy.querySelectorAll(".person-picker").forEach(function (box) { box.remove(); });
      copy.querySelectorAll("[data-picker-ready]").forEach(function (f) { delete f.dataset.pickerReady; });
      copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      copy.querySelectorAll(".errors").forEach(function (e) { e.remove(); });
      var number = copy.querySelector(".row-number");
      if (number) number.textContent = rows.children.length + 1;
      rows.appendChild(copy);
      copy.querySelector("input").focus();
    });
  }
})();
