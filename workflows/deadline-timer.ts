import { condition, sleep } from '@temporalio/workflow';

/** The one durable timer a waiting conversation holds: when it fires, and whether it has. */
export interface ArmedTimer {
  at: number;
  fired: boolean;
}

/**
 * Whether a wait until `deadline` needs a new timer: none is armed, the armed one fired before the
 * deadline (time is left), or the armed one fires too late. A timer that fires earlier than the
 * deadline is kept: the wait re-arms when it fires. So a busy conversation, whose idle deadline
 * moves on with every turn, starts no timer per turn: at most one per idle timeout.
 */
export function needsNewTimer(armed: ArmedTimer | null, deadline: number): boolean {
  if (armed === null) return true;
  if (armed.fired) return true;
  return armed.at > deadline;
}

/**
 * Waits until `ready()` holds or `deadline` (workflow time) passes; true when ready. Replaces a
 * `condition(ready, timeout)` per wait, which starts and cancels a timer on every turn.
 */
export function createDeadlineWaiter() {
  let armed: ArmedTimer | null = null;
  /** `summary`: what happens at the deadline, shown on the timer in the Web UI. */
  return async function waitUntil(ready: () => boolean, deadline: number, summary: string): Promise<boolean> {
    for (;;) {
      if (ready()) return true;
      const now = Date.now();
      if (now >= deadline) return false;
      if (needsNewTimer(armed, deadline)) {
        const timer: ArmedTimer = { at: deadline, fired: false };
        armed = timer;
        void sleep(deadline - now, { summary: `check at ${new Date(deadline).toISOString()}: ${summary} if nothing has happened since` }).then(() => {
          timer.fired = true;
        });
      }
      const timer = armed!;
      await condition(() => ready() || timer.fired);
    }
  };
}
