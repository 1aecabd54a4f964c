import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';

export interface RateLimitOptions {
  /** What the limit is per, for the error message: "API key", "IP address". */
  per: string;
  /** Requests allowed per window. */
  limit: number;
  /** Window length. Default one minute. */
  windowMs?: number;
  /** The caller's identity for this limit; undefined skips the limit for this request. */
  keyOf: (c: Context<AppEnv>) => string | undefined;
}

/**
 * A fixed-window limit, counted in this process: with several API processes behind a load
 * balancer each counts on its own. `hit` counts one request for `key` and, over the limit, throws
 * 429 with Retry-After. Keys are whatever the caller has verified: an address, a key id, a visitor.
 */
export type RateCounter = ReturnType<typeof createRateCounter>;

export function createRateCounter({ per, limit, windowMs = 60_000 }: Omit<RateLimitOptions, 'keyOf'>) {
  const windows = new Map<string, { startedAt: number; count: number }>();
  function refuse(c: Context<AppEnv>, window: { startedAt: number }, now: number): never {
    const retryAfter = Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
    c.header('Retry-After', String(retryAfter));
    throw new AppError('rate_limited', `Too many requests for this ${per}: at most ${limit} a minute. Retry in ${retryAfter} s.`);
  }
  return {
    /** Throws 429 if `key` has used up this window, without counting this request. */
    check(c: Context<AppEnv>, key: string) {
      const now = Date.now();
      const window = windows.get(key);
      if (window && now - window.startedAt < windowMs && window.count >= limit) refuse(c, window, now);
    },
    hit(c: Context<AppEnv>, key: string) {
      const now = Date.now();
      if (windows.size > 50_000) {
        for (const [k, w] of windows) if (now - w.startedAt >= windowMs) windows.delete(k);
      }
      let window = windows.get(key);
      if (!window || now - window.startedAt >= windowMs) {
        window = { startedAt: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count > limit) refuse(c, window, now);
    },
  };
}

/** The same limit as middleware, keyed on something known before the handler runs (the address, the API key). */
export function rateLimit({ keyOf, ...options }: RateLimitOptions) {
  const counter = createRateCounter(options);
  return createMiddleware<AppEnv>(async function rateLimit(c, next) {
    const key = keyOf(c);
    if (key !== undefined) counter.hit(c, key);
    return next();
  });
}

/** The peer's address; behind a proxy, every client shares the proxy's. */
export function clientAddress(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
