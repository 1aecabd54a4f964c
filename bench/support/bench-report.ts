import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';

/** A Markdown table: a header row, then one row per entry, cells as given. */
export function formatMarkdownTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Writes a benchmark's result as JSON to `bench/results/<name>-<timestamp>.json`, with when and
 * where it ran, and returns the path relative to the working directory.
 */
export function writeBenchResult(name: string, result: unknown): string {
  const dir = resolve(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date();
  const file = join(dir, `${name}-${at.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverage: os.loadavg(), node: process.version };
  writeFileSync(file, `${JSON.stringify({ benchmark: name, at: at.toISOString(), machine, ...(result as object) }, null, 2)}\n`);
  return relative(process.cwd(), file);
}

/** Rewrites one status line on stderr, for progress while a benchmark runs. */
export function writeStatusLine(text: string): void {
  process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${text}` : `${text}\n`);
}
