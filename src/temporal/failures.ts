import { ApplicationFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { CallFailure } from '../turn/turn-io';

/**
 * Failures named by what a retry must do. Activities throw transient errors as they are, so
 * Temporal retries them with backoff; these two cover the other cases.
 */

/**
 * The remote side asked us to come back later: the next retry waits exactly that long. Name the
 * `type` `…RateLimited`, which is how metrics tell these failures apart.
 */
export function rateLimitedFailure(message: string, retryAfterMs: number | undefined, type = 'RateLimited') {
  return ApplicationFailure.create({
    message,
    type,
    nextRetryDelay: retryAfterMs === undefined ? undefined : Math.max(retryAfterMs, 100),
  });
}

/** Retrying cannot help (a blocked user, a bad token, a rejected request): stop now. */
export function permanentFailure(message: string, type: string, details?: unknown) {
  return ApplicationFailure.create({ message, type, nonRetryable: true, details: details === undefined ? [] : [details] });
}

/** What a failed attempt means for the next one: the label of the send-failure metric. */
export function failureClass(error: unknown): 'transient' | 'rate_limited' | 'permanent' {
  if (!(error instanceof ApplicationFailure)) return 'transient';
  if (error.nonRetryable) return 'permanent';
  const waitsForServer = error.nextRetryDelay !== undefined && error.nextRetryDelay !== null;
  return waitsForServer || error.type?.endsWith('RateLimited') ? 'rate_limited' : 'transient';
}

/** Reads a Retry-After header: delay-seconds or an HTTP date. Returns milliseconds, or undefined. */
export function parseRetryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What a failed call means for the turn's pipeline, which knows nothing of Temporal's failure types. */
export function callFailureOf(error: unknown): CallFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApplicationFailure)) return { retry: 'backoff', type: error instanceof Error ? error.name : 'Error', message };
  const type = error.type ?? 'ApplicationFailure';
  if (error.nonRetryable) return { retry: 'never', type, message };
  if (error.nextRetryDelay !== undefined && error.nextRetryDelay !== null) {
    return { retry: 'after', afterMs: msToNumber(error.nextRetryDelay), type, message };
  }
  return { retry: 'backoff', type, message };
}
