// The dashboard's charts. Data comes from <script type="application/json"> blocks (the CSP forbids
// inline scripts); each chart redraws on resize so a phone turned sideways still fits.
(function () {
  "use strict";

  var node = document.getElementById("dash-charts");
  if (!node || !window.echarts) return;
  var charts = JSON.parse(node.textContent);
  var palette = ["#c0392b", "#2f80ed", "#e67e22", "#27ae60", "#8e44ad", "#16a085", "#d35400", "#7f8c8d", "#34495e"];

  function draw(id, data, kind, stacked, colours) {
    var el = document.getElementById(id);
    if (!el || !data || !data.days) return;
    var made = window.echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { made.resize(); });
    made.setOption({
      color: colours || palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 40, right: 12, top: 40, bottom: 28 },
      xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      // A stacked line of zeros would draw over the one below it: such series are left out.
      series: data.series.filter(function (s) {
        return !(stacked && kind === "line") || s.data.some(function (v) { return v > 0; });
      }).map(function (s) {
        var one = { name: s.name, type: kind, data: s.data };
        if (stacked) one.stack = "all";
        if (kind === "line") { one.smooth = false; one.showSymbol = false; if (stacked) one.areaStyle = { opacity: 0.35 }; }
        return one;
      })
    });
  }

  draw("chart-arrivals", charts.arrivals, "bar", true);
  draw("chart-observation", charts.observation, "line", true, ["#2f80ed", "#e67e22", "#27ae60"]);
  draw("chart-curve", charts.curve, "bar", true);
  draw("chart-passages", charts.passages, "line", false);
}());
