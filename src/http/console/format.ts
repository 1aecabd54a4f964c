/** How the console words times and counts: pure, so a unit test reaches them. */

/** A wait as an operator reads it: `45 s`, `12 min`, `3 h 05 min`, `2 d 4 h`. */
export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A timestamp in UTC, to the minute: `2026-12-04 09:30`. Operators in any zone read the same. */
export function formatInstant(at: Date): string {
  return at.toISOString().slice(0, 16).replace('T', ' ');
}

/** The first `max` characters of a message, on one line. */
export function previewText(text: string | null, max = 120): string {
  if (!text) return '';
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Milliseconds for the dashboard: `850 ms`, `1.8 s`, or `–` when there is no figure. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Dollars: cents for sums worth them, two significant digits below a cent. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return '–';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${Number(usd.toPrecision(2))}` : `$${usd.toFixed(2)}`;
}
