// Draws every chart of the page: each .chart div has its Plotly figure in a JSON script next to it.
(function () {
  // Keeps labels inside the chart and apart from each other, whatever the figure asks for:
  // - every axis grows the margin to fit its tick labels and title (a right-hand y axis included);
  // - a horizontal legend placed under the plot goes to the bottom of the whole figure, below the
  //   x-axis tick labels and title, instead of a fixed distance under the plot where long (rotated)
  //   labels run into it.
  function tidy(layout) {
    Object.keys(layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key) && layout[key] && layout[key].automargin === undefined) {
        layout[key].automargin = true;
      }
    });
    var legend = layout.legend;
    if (legend && legend.orientation === "h" && typeof legend.y === "number" && legend.y < 0 && !legend.yref) {
      legend.yref = "container";
      legend.y = 0;
      legend.yanchor = "bottom";
    }
    return layout;
  }

  function draw() {
    document.querySelectorAll("div.chart").forEach(function (div) {
      var source = document.getElementById("figure-" + div.dataset.name);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(div, figure.data, tidy(figure.layout || {}), { responsive: true, displaylogo: false });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
