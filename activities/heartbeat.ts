import { Context } from '@temporalio/activity';

/**
 * Heartbeats while `work` runs. With a short heartbeat timeout, Temporal notices a crashed worker
 * within seconds and retries elsewhere, instead of waiting out the whole start-to-close timeout.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, everyMs = 1_000): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
