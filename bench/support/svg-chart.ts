/**
 * A latency CDF as a self-contained SVG: one line per series, latency on a logarithmic x axis,
 * the fraction of requests at or below it on the y axis. No dependencies, no scripts.
 */
export interface ChartSeries {
  name: string;
  /** `[latency ms, fraction 0..1]`, fraction ascending. */
  cdf: Array<[number, number]>;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const WIDTH = 760;
const PLOT = { left: 60, top: 40, width: 440, height: 260 };
const HEIGHT = PLOT.top + PLOT.height + 50;

export function cdfChartSvg(title: string, series: ChartSeries[]): string {
  const values = series.flatMap((s) => s.cdf.map(([ms]) => ms)).filter((ms) => ms > 0 && Number.isFinite(ms));
  const low = 10 ** Math.floor(Math.log10(Math.max(0.1, values.length > 0 ? Math.min(...values) : 1)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, low * 10)));
  const x = (ms: number) => PLOT.left + ((Math.log10(Math.max(ms, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * PLOT.width;
  const y = (fraction: number) => PLOT.top + (1 - fraction) * PLOT.height;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (let decade = low; decade <= high; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const ms = decade * step;
      if (ms > high) break;
      const px = x(ms).toFixed(1);
      parts.push(`<line x1="${px}" y1="${PLOT.top}" x2="${px}" y2="${PLOT.top + PLOT.height}" stroke="${step === 1 ? '#ccc' : '#eee'}"/>`);
      parts.push(`<text x="${px}" y="${PLOT.top + PLOT.height + 15}" text-anchor="middle">${formatMs(ms)}</text>`);
    }
  }
  for (const fraction of [0, 0.25, 0.5, 0.75, 0.9, 0.99]) {
    const py = y(fraction).toFixed(1);
    parts.push(`<line x1="${PLOT.left}" y1="${py}" x2="${PLOT.left + PLOT.width}" y2="${py}" stroke="#eee"/>`);
    parts.push(`<text x="${PLOT.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">p${Math.round(fraction * 100)}</text>`);
  }
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.width}" height="${PLOT.height}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${PLOT.left + PLOT.width / 2}" y="${HEIGHT - 12}" text-anchor="middle">latency (ms, log scale)</text>`);

  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const points = s.cdf.map(([ms, fraction]) => `${x(ms).toFixed(1)},${y(fraction).toFixed(1)}`);
    if (points.length > 0) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${x(s.cdf[0]![0]).toFixed(1)},${y(0)} ${points.join(' ')}"/>`);
    }
    const ly = PLOT.top + 8 + i * 18;
    parts.push(`<line x1="${PLOT.left + PLOT.width + 16}" y1="${ly}" x2="${PLOT.left + PLOT.width + 36}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${PLOT.left + PLOT.width + 42}" y="${ly}" dominant-baseline="middle">${escape(truncate(s.name, 34))}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}`;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
