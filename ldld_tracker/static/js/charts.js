// Charts drawn from the tables beside them (the Content-Security-Policy forbids inline
// scripts, and every chart must read without scripts): a canvas names its table and the
// columns to plot; each plotted cell carries its number in data-value.
//
//   <canvas data-chart="bar" data-table="t-units" data-columns="1,4"
//           data-horizontal data-stacked></canvas>
//   <table id="t-units">… <td data-value="3500">3.500</td> …</table>
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  const palette = ["#8b1a1a", "#1f5fa8", "#2e7d32", "#b26a00", "#6a3d9a", "#00838f", "#5d4037"];

  function columnValues(rows, index) {
    return rows.map((row) => {
      const cell = row.cells[index];
      if (!cell || cell.dataset.value === undefined || cell.dataset.value === "") {
        return null;
      }
      return Number(cell.dataset.value);
    });
  }

  function draw(canvas) {
    const table = document.getElementById(canvas.dataset.table);
    if (!table || !table.tHead || !table.tBodies.length) {
      return;
    }
    const rows = Array.from(table.tBodies[0].rows).filter((row) => !row.dataset.noChart);
    const header = table.tHead.rows[table.tHead.rows.length - 1];
    const labels = rows.map((row) => (row.cells[0].dataset.label || row.cells[0].textContent).trim());
    const type = canvas.dataset.chart || "bar";
    const columns = (canvas.dataset.columns || "1").split(",").map(Number);
    const datasets = columns.map((index, n) => {
      const colour = palette[n % palette.length];
      return {
        label: header.cells[index].textContent.trim(),
        data: columnValues(rows, index),
        backgroundColor: colour,
        borderColor: colour,
        borderDash: n > 0 && type === "line" ? [6, 4] : [],
        fill: false,
        spanGaps: false,
        tension: 0,
      };
    });
    const horizontal = canvas.hasAttribute("data-horizontal");
    const stacked = canvas.hasAttribute("data-stacked");
    new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: {
        locale: document.documentElement.lang || "vi", // 3.500 in Vietnamese, 3,500 in English
        animation: false,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: {
          x: { stacked: stacked, beginAtZero: true },
          y: { stacked: stacked, beginAtZero: true },
        },
      },
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
