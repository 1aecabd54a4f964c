import { createHash } from 'node:crypto';
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
 * A fixed-window request limit, counted in this process: with several API processes behind a load
 * balancer each counts on its own. Over the limit, the answer is 429 with Retry-After.
 */
export function rateLimit({ per, limit, windowMs = 60_000, keyOf }: RateLimitOptions) {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return createMiddleware<AppEnv>(async function rateLimit(c, next) {
    const key = keyOf(c);
    if (key === undefined) return next();
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
    if (window.count > limit) {
      const retryAfter = Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
      c.header('Retry-After', String(retryAfter));
      throw new AppError('rate_limited', `Too many requests for this ${per}: at most ${limit} a minute. Retry in ${retryAfter} s.`);
    }
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

/** A short fingerprint of a bearer token, so limits can be per token without keeping the token. */
export function tokenFingerprint(header: string | undefined): string | undefined {
  return header ? createHash('sha256').update(header).digest('base64url').slice(0, 22) : undefined;
}
