// Draws every chart of the page: each .chart div has its Plotly figure (teiki.report.charts) in a JSON
// script next to it.
(function () {
  function draw() {
    document.querySelectorAll("div.chart").forEach(function (div) {
      var source = document.getElementById("figure-" + div.dataset.name);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(div, figure.data, figure.layout || {}, { responsive: true, displaylogo: false });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
