import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A scenario's headline figures by name, as a report sets them beside an earlier report's. */
export type Figures = Record<string, number | undefined>;

/** A report file as `writeReport` leaves it: `<stamp>.json`. */
export interface StoredReport {
  file: string;
  settings: Record<string, unknown>;
  results: Array<{ id: string; data: Record<string, unknown> }>;
}

const REPORT_FILE = /^\d{4}-\d{2}-\d{2}-\d{4}\.json$/;

/**
 * The newest report holding one of the scenario ids in `ids` (in order of preference within a
 * report), with that scenario's result.
 */
export function pickPrevious(reports: readonly StoredReport[], ids: readonly string[]): { file: string; settings: Record<string, unknown>; id: string; data: Record<string, unknown> } | undefined {
  const newestFirst = [...reports].sort((a, b) => b.file.localeCompare(a.file));
  for (const report of newestFirst) {
    for (const id of ids) {
      const result = report.results.find((r) => r.id === id);
      if (result) return { file: report.file, settings: report.settings, id, data: result.data };
    }
  }
  return undefined;
}

/** Every `<stamp>.json` report in `dir`; files that do not parse are skipped. */
export function readStoredReports(dir: string): StoredReport[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => REPORT_FILE.test(f));
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    try {
      const { results, settings } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { results?: StoredReport['results']; settings?: Record<string, unknown> };
      return Array.isArray(results) ? [{ file, settings: settings ?? {}, results }] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Rows of `figure | now | before | change` for every figure measured both now and before, with the
 * change as a signed percentage. Figures new in this run are in the scenario's own tables.
 */
export function compareFigures(now: Figures, before: Figures): Array<[string, number, number, string]> {
  const rows: Array<[string, number, number, string]> = [];
  for (const [name, value] of Object.entries(now)) {
    const earlier = before[name];
    if (value === undefined || !Number.isFinite(value) || earlier === undefined || !Number.isFinite(earlier)) continue;
    rows.push([name, value, earlier, earlier !== 0 ? percentChange(earlier, value) : '']);
  }
  return rows;
}

function percentChange(before: number, now: number): string {
  const change = Math.round(((now - before) / before) * 100);
  return `${change > 0 ? '+' : ''}${change}%`;
}

/**
 * Those of `keys` (the settings a scenario uses) that differ between two runs, as `name now
 * (before: x)`: figures measured with other counts or phases are not alike, and the report says so.
 */
export function settingsDifference(now: object, before: Record<string, unknown>, keys: readonly string[]): string[] {
  return Object.entries(now)
    .filter(([key, value]) => keys.includes(key) && key in before && JSON.stringify(value) !== JSON.stringify(before[key]))
    .map(([key, value]) => `${key} ${JSON.stringify(value)} (before: ${JSON.stringify(before[key])})`);
}
