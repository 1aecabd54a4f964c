import { Context } from '@temporalio/activity';

/**
 * Heartbeats while `work` runs. With a short heartbeat timeout, Temporal notices a crashed worker
 * within seconds and retries elsewhere, instead of waiting out the whole start-to-close timeout.
 * `details()`, when given, is sent with each heartbeat: the Web UI shows it on the pending activity.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, details?: () => unknown, everyMs = 1_000): Promise<T> {
  const context = Context.current();
  const beat = () => (details ? context.heartbeat(details()) : context.heartbeat());
  // The first beat after `everyMs`, not at once: a step that finishes within it costs no heartbeat RPC.
  const timer = setInterval(beat, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
