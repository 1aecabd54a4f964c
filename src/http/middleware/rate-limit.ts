import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import type { RateStore } from './rate-store';
import { isTrustedProxy } from './trusted-proxies';

export interface RateLimitOptions {
  /** The limit's own name, the same in every instance: its counts are kept apart from other limits'. */
  name: string;
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
 * A fixed-window limit, counted in a store every API instance shares (Postgres), so N instances
 * allow the limit, not N times it. Windows start on the clock's minute, the same for every
 * instance. `hit` counts one request for `key` and, over the limit, throws 429 with Retry-After.
 * Keys are whatever the caller has verified: an address, a key id, a visitor.
 */
export type RateCounter = ReturnType<typeof createRateCounter>;

export function createRateCounter({ name, per, limit, windowMs = 60_000 }: Omit<RateLimitOptions, 'keyOf'>, store: RateStore) {
  // Each limit counts apart: the same address has a webhook limit and a failed-login limit.
  const scoped = (key: string) => `${name}|${key}`;
  const windowOf = (now: number) => Math.floor(now / windowMs) * windowMs;
  function refuse(c: Context<AppEnv>, windowStart: number, now: number): never {
    const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    c.header('Retry-After', String(retryAfter));
    throw new AppError('rate_limited', `Too many requests for this ${per}: at most ${limit} a minute. Retry in ${retryAfter} s.`);
  }
  return {
    /** Throws 429 if `key` has used up this window, without counting this request. */
    async check(c: Context<AppEnv>, key: string) {
      const now = Date.now();
      const count = await store.peek(scoped(key), windowOf(now));
      if (count !== null && count >= limit) refuse(c, windowOf(now), now);
    },
    async hit(c: Context<AppEnv>, key: string) {
      const now = Date.now();
      const count = await store.increment(scoped(key), windowOf(now), windowMs);
      if (count !== null && count > limit) refuse(c, windowOf(now), now);
    },
  };
}

/** The same limit as middleware, keyed on something known before the handler runs (the address, the API key). */
export function rateLimit({ keyOf, ...options }: RateLimitOptions, store: RateStore) {
  const counter = createRateCounter(options, store);
  return createMiddleware<AppEnv>(async function rateLimit(c, next) {
    const key = keyOf(c);
    if (key !== undefined) await counter.hit(c, key);
    return next();
  });
}

/**
 * The client's address. Behind proxies listed in `TRUSTED_PROXIES`, the address the nearest
 * untrusted hop gave in `X-Forwarded-For`; otherwise the peer's own. A header a client sets is
 * never believed: only what a trusted proxy appended.
 */
export function clientAddressBehind(trusted: readonly string[]) {
  return (c: Context<AppEnv>): string | undefined => {
    let peer: string | undefined;
    try {
      peer = getConnInfo(c).remote.address;
    } catch {
      return undefined;
    }
    return peer && clientAddressOf(peer, c.req.header('x-forwarded-for'), trusted);
  };
}

/**
 * Who sent a request that reached us from `peer` with this `X-Forwarded-For`. Each trusted proxy
 * appends the address it got the request from, so the header is read from the right, past the
 * trusted hops; what lies left of the first untrusted one is whatever the client wrote, and ignored.
 */
export function clientAddressOf(peer: string, forwardedFor: string | undefined, trusted: readonly string[]): string {
  if (!isTrustedProxy(peer, trusted)) return peer;
  const hops = (forwardedFor ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrustedProxy(hops[i]!, trusted)) return hops[i]!;
  return hops[0] ?? peer;
}
