import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchSettings, ScenarioResult } from '../scenarios/scenario';
import { cdfChartSvg } from './svg-chart';

export interface RunReport {
  startedAt: Date;
  /** The 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAtStart: number;
  durationSeconds: number;
  settings: BenchSettings;
  results: ScenarioResult[];
  failures: Array<{ id: string; error: string }>;
  /** Goals checked against this run's figures: `goal | measured | bound | verdict`. */
  targets?: Array<[string, number | string, number | string, string]>;
}

/** Writes `<stamp>.json`, `<stamp>.md` and one `<stamp>-<scenario>.svg` per chart; returns the Markdown path. */
export function writeReport(dir: string, report: RunReport): { markdownPath: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = fileStamp(report.startedAt);
  const machine = { cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform, loadAtStart: report.loadAtStart };
  writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify({ ...report, machine }, null, 1)}\n`);

  const lines: string[] = [
    `# Benchmark ${report.startedAt.toISOString()}`,
    '',
    `${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node} on ${machine.platform}. ` +
      `${report.settings.quick ? 'Quick run. ' : ''}Took ${Math.round(report.durationSeconds)} s. ` +
      'Everything (Temporal dev server, PostgreSQL, the product, the fakes and the load) ran on this one machine. ' +
      `The 1-minute load average before the run started was ${machine.loadAtStart.toFixed(1)}: well above 0, something else was using the cores, and every figure is slower than this machine can do.`,
    '',
  ];
  if (report.targets?.length) {
    lines.push('## Targets', '');
    if (report.settings.quick) lines.push('A quick run: fewer senders and shorter phases than the targets assume; only a full run can meet them.', '');
    lines.push(...markdownTable({ header: ['goal', 'measured', 'bound', 'verdict'], rows: report.targets }), '');
  }
  for (const result of report.results) {
    lines.push(`## (${result.id}) ${result.title}`, '');
    lines.push(...result.method.map((sentence) => `- ${sentence}`), '');
    for (const table of result.tables) lines.push(...markdownTable(table), '');
    result.charts.forEach((chart, index) => {
      const file = `${stamp}-${result.id}${index ? `-${index + 1}` : ''}.svg`;
      writeFileSync(join(dir, file), cdfChartSvg(chart.title, chart.series));
      lines.push(`![${chart.title}](${file})`, '');
    });
    if (result.findings.length > 0) lines.push(...result.findings.map((finding) => `- ${finding}`), '');
  }
  for (const failure of report.failures) lines.push(`## (${failure.id}) failed`, '', '```', failure.error, '```', '');
  const markdown = lines.join('\n');
  const markdownPath = join(dir, `${stamp}.md`);
  writeFileSync(markdownPath, markdown);
  return { markdownPath, markdown };
}

function markdownTable(table: ScenarioResult['tables'][number]): string[] {
  return [
    ...(table.caption ? [`${table.caption}:`, ''] : []),
    `| ${table.header.join(' | ')} |`,
    `|${table.header.map(() => '---').join('|')}|`,
    ...table.rows.map((row) => `| ${row.map((cell) => (typeof cell === 'number' && Number.isNaN(cell) ? 'n/a' : String(cell))).join(' | ')} |`),
  ];
}

/** `2025-01-31-1405`, in local time: sorts by date, and two runs a day do not overwrite each other. */
function fileStamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}
