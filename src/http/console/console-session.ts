import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import { type Actor, type Role, roleAllows } from '../../auth/roles';
import { findLiveConsoleSession, insertConsoleSession } from '../../db/queries/console-sessions';
import type { Database } from '../../db/schema';
import { AppError } from '../app-error';
import type { ConsoleEnv } from './console-env';

/**
 * The console's sign-in: an API key is exchanged for a random session token in an HttpOnly,
 * SameSite=Strict cookie (Secure behind HTTPS); the database keeps only its hash. Every form and
 * action carries the session's CSRF token, and a request from another origin is refused.
 */
export const SESSION_COOKIE = 'console_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface CookiePolicy {
  /** Set the cookie's Secure flag (PUBLIC_URL is https). */
  secure: boolean;
}

/** Starts a session for `actor`; sets the cookie. */
export async function startConsoleSession(c: Context<ConsoleEnv>, db: Kysely<Database>, args: { actor: Actor; ttlMs: number; cookie: CookiePolicy }): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + args.ttlMs);
  await insertConsoleSession(db, { tokenHash: hashToken(token), csrfToken: randomBytes(24).toString('base64url'), actor: args.actor, expiresAt });
  setCookie(c, SESSION_COOKIE, token, {
    path: '/console',
    httpOnly: true,
    sameSite: 'Strict',
    secure: args.cookie.secure,
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context<ConsoleEnv>, cookie: CookiePolicy): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/console', secure: cookie.secure });
}

/** The session token's hash as stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Requires a live session. A page without one redirects to the sign-in; anything else is 401.
 * A change (any method but GET and HEAD) also needs the session's CSRF token, in the form's
 * `_csrf` field or the `X-CSRF-Token` header, and an Origin, when sent, of this server.
 */
export function consoleSession({ db }: { db: Kysely<Database> }) {
  return createMiddleware<ConsoleEnv>(async function consoleSession(c, next) {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await findLiveConsoleSession(db, hashToken(token)) : undefined;
    const reading = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!session) {
      if (reading && !c.req.path.endsWith('/events')) {
        const next = encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''));
        return c.redirect(`/console/sign-in?next=${next}`, 303);
      }
      throw new AppError('unauthorized', 'Your console session has ended: sign in again.');
    }
    c.set('actor', { id: session.key_id, name: session.name, role: session.role, ...(session.bot_ids && { bots: session.bot_ids }) });
    c.set('session', { tokenHash: session.token_hash, csrfToken: session.csrf_token, expiresAt: session.expires_at });
    if (!reading) await requireSameOriginAndCsrf(c, session.csrf_token);
    return next();
  });
}

async function requireSameOriginAndCsrf(c: Context<ConsoleEnv>, expected: string): Promise<void> {
  if (fromAnotherSite(c)) throw new AppError('forbidden', 'This request came from another site.');
  let offered = c.req.header(CSRF_HEADER);
  if (!offered && (c.req.header('content-type') ?? '').includes('form')) {
    const form = await c.req.parseBody();
    offered = typeof form[CSRF_FIELD] === 'string' ? form[CSRF_FIELD] : undefined;
  }
  if (!offered || !safeEqual(offered, expected)) throw new AppError('forbidden', 'The form is stale or forged: reload the page and try again.');
}

/**
 * True when a browser says the request came from another site: by `Sec-Fetch-Site`, which every
 * current browser sends, else by an `Origin` naming another host. Forms need this on top of the
 * CSRF token where there is no session yet (signing in someone else with the attacker's key).
 */
export function fromAnotherSite(c: Context<ConsoleEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return false;
  return URL.canParse(origin) ? new URL(origin).host !== c.req.header('host') : true;
}

/** 403 unless the signed-in key's role is `needed` or above: a viewer sees and cannot act. */
export function requireRole(c: Context<ConsoleEnv>, needed: Role): void {
  const actor = c.get('actor');
  if (!actor || !roleAllows(actor.role, needed)) {
    throw new AppError('forbidden', `This needs the ${needed} role; you signed in with a ${actor?.role ?? 'no'} key.`);
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
