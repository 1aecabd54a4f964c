// The dashboard's charts, drawn with uPlot (served from node_modules by the product) from the
// numbers the page carries in data attributes. Colours follow the page's light or dark scheme.
import uPlot from '/console/assets/uplot.js';

const container = document.getElementById('charts');
const PALETTE = { light: ['#0b57d0', '#b3261e', '#146c2e'], dark: ['#8ab4f8', '#f2b8b5', '#8fd6a0'] };

function draw() {
  if (!container) return;
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  const colours = dark ? PALETTE.dark : PALETTE.light;
  const ink = getComputedStyle(document.body).color;
  const grid = dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.1)';
  const days = JSON.parse(container.dataset.days ?? '[]').map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
  for (const figure of container.querySelectorAll('[data-chart]')) {
    const spec = JSON.parse(figure.dataset.chart);
    const target = figure.querySelector('.chart-canvas');
    target.replaceChildren();
    const axis = { stroke: ink, grid: { stroke: grid }, ticks: { stroke: grid } };
    // Counts step in whole numbers; money and times keep their small values readable.
    const whole = spec.unit !== 'USD' && spec.unit !== 'ms';
    const yAxis = {
      ...axis,
      size: 64,
      ...(whole && { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6, 1e7] }),
      values: (_u, splits) => splits.map((v) => (v === 0 || Math.abs(v) >= 1 ? v.toLocaleString('en') : String(Number(v.toPrecision(2))))),
    };
    new uPlot(
      {
        width: Math.max(240, target.clientWidth),
        height: 200,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true } },
        axes: [axis, yAxis],
        series: [{ label: 'day' }, ...spec.series.map((series, index) => ({ label: series.label, stroke: colours[index % colours.length], width: 2, spanGaps: true, points: { show: days.length < 40 } }))],
      },
      [days, ...spec.series.map((series) => series.values)],
      target,
    );
  }
  document.body.setAttribute('data-charts', 'drawn');
}

draw();
let resizing;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(draw, 150);
});
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw);
