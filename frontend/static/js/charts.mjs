// Draws each outcome chart with Chart.js from the figures printed beside it as JSON. The drawing is hidden from
// screen readers: the summary and the data table next to it give the same figures in words and numbers.

const BLUE = "#1d70b8";
const TEXT = "#0b0c0c";
const BAR_HEIGHT = 32;

export function startCharts(figures) {
  const Chart = window.Chart;
  if (!Chart || figures.length === 0) return;
  Chart.defaults.font.family = "Arial, sans-serif";
  Chart.defaults.font.size = 16;
  Chart.defaults.color = TEXT;
  for (const figure of figures) {
    // A chart with no figures yet prints its summary only, and has nothing to draw.
    const source = document.getElementById(figure.dataset.chart);
    if (!source) continue;
    const chart = JSON.parse(source.textContent);
    const area = figure.querySelector(".app-chart__drawing");
    const sideways = chart.labels.length > 6;
    area.style.height = `${Math.max(240, (sideways ? chart.labels.length * BAR_HEIGHT : 0) + 80)}px`;
    area.hidden = false;
    new Chart(area.querySelector("canvas"), {
      type: "bar",
      data: { labels: chart.labels, datasets: [{ label: chart.title, data: chart.values, backgroundColor: BLUE, maxBarThickness: 64 }] },
      options: {
        indexAxis: sideways ? "y" : "x",
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${item.formattedValue}${chart.unit}` } },
        },
        scales: { [sideways ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
}
