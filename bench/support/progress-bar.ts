/**
 * A one-line progress bar on stderr: redrawn in place on a terminal (at most ten times a second),
 * a plain line every tenth of the way otherwise, so logs of CI runs stay short.
 */
export interface ProgressBar {
  /** Sets how much is done; `note` replaces the text after the counts. */
  update(done: number, note?: string): void;
  finish(note?: string): void;
}

const WIDTH = 28;

export function progressBar(label: string, total: number): ProgressBar {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastDrawAt = 0;
  let lastTenth = -1;
  let done = 0;
  let note = '';

  const line = () => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const elapsed = (Date.now() - started) / 1000;
    const eta = fraction > 0 && fraction < 1 ? ` eta ${Math.ceil((elapsed / fraction) * (1 - fraction))}s` : '';
    const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
    return `  ${label.padEnd(34)} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total} ${elapsed.toFixed(0)}s${eta} ${note}`;
  };

  const draw = (force: boolean) => {
    if (tty) {
      const now = Date.now();
      if (!force && now - lastDrawAt < 100) return;
      lastDrawAt = now;
      process.stderr.write(`\r\x1b[2K${line()}`);
      return;
    }
    const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
    if (force || tenth > lastTenth) {
      lastTenth = tenth;
      process.stderr.write(`${line()}\n`);
    }
  };

  return {
    update(next, nextNote) {
      done = next;
      if (nextNote !== undefined) note = nextNote;
      draw(false);
    },
    finish(finalNote) {
      if (finalNote !== undefined) note = finalNote;
      draw(true);
      if (tty) process.stderr.write('\n');
    },
  };
}

/** A progress bar for a timed phase: the bar fills with the clock, the note says what was done. */
export function timedProgress(label: string, durationMs: number, note: () => string): { stop(): void } {
  const bar = progressBar(label, Math.round(durationMs / 1000));
  const started = Date.now();
  const timer = setInterval(() => bar.update(Math.min(Math.round((Date.now() - started) / 1000), Math.round(durationMs / 1000)), note()), 200);
  return {
    stop() {
      clearInterval(timer);
      bar.update(Math.round(durationMs / 1000), note());
      bar.finish();
    },
  };
}
