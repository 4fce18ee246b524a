// Draws every chart of the page with uPlot: each <figure data-chart="{title, x, series}">.
(function () {
  "use strict";
  var COLOURS = ["#2457c5", "#c55a24", "#1e8a4c", "#8a2bb5", "#b59a1e", "#5b6475"];
  function draw(figure) {
    var spec;
    try {
      spec = JSON.parse(figure.getAttribute("data-chart"));
    } catch (e) {
      return;
    }
    var data = [spec.x];
    var series = [{}];
    spec.series.forEach(function (s, i) {
      data.push(s.values);
      series.push({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true });
    });
    var wide = figure.classList.contains("wide");
    var opts = {
      title: spec.title,
      width: wide ? Math.min(1100, window.innerWidth - 80) : 420,
      height: wide ? 300 : 220,
      scales: { x: { time: false } },
      series: series
    };
    new uPlot(opts, data, figure);
    figure.setAttribute("data-drawn", "true");
  }
  function start() {
    if (typeof uPlot === "undefined") {
      return;
    }
    document.querySelectorAll("figure[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // The compare form takes 2 to 5 runs: say so before sending.
  var form = document.getElementById("compare-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var n = form.querySelectorAll("input[name=run]:checked").length;
      if (n < 2 || n > 5) {
        event.preventDefault();
        alert("Choose 2 to 5 runs to compare (" + n + " chosen).");
      }
    });
  }
})();
