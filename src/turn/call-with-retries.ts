import type { CallFailure, TurnIO } from './turn-io';

export interface RetryPolicy {
  attempts: number;
  initialMs: number;
  coefficient: number;
  maxIntervalMs: number;
  /** A server that asks for a longer wait than this is taken as down. */
  longestAskedWaitMs: number;
}

/** The model and the moderation service: four tries over about seven seconds, then the step's own fallback. */
export const MODEL_RETRIES: RetryPolicy = {
  attempts: 4,
  initialMs: 1_000,
  coefficient: 2,
  maxIntervalMs: 20_000,
  longestAskedWaitMs: 60_000,
};

export type CallResult<T> = { ok: true; value: T; attempts: number } | { ok: false; failure: CallFailure; attempts: number };

/**
 * Calls `call` until it succeeds, fails for good, or runs out of attempts, waiting between tries as
 * the server asked or with exponential backoff. Inside one activity: a crash restarts the step,
 * which is safe for the calls this wraps (they have no effect outside).
 */
export async function callWithRetries<T>(io: TurnIO, policy: RetryPolicy, call: () => Promise<T>): Promise<CallResult<T>> {
  let interval = policy.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await call(), attempts: attempt };
    } catch (error) {
      const failure = io.classify(error);
      const wait = failure.retry === 'after' ? failure.afterMs : interval;
      const givesUp =
        failure.retry === 'never' ||
        attempt >= policy.attempts ||
        (failure.retry === 'after' && failure.afterMs > policy.longestAskedWaitMs);
      if (givesUp) return { ok: false, failure, attempts: attempt };
      await io.sleep(wait);
      interval = Math.min(interval * policy.coefficient, policy.maxIntervalMs);
    }
  }
}
