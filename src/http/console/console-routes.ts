/**
 * `/console`: the operator's seat, signed in with an API key exchanged for a short-lived session
 * (an HttpOnly, SameSite=Strict cookie, Secure behind HTTPS), with a form token on every action.
 * Roles and bot scopes apply as on `/v1`. So far: sign-in, the inbox, sign-out.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type Kysely, sql } from 'kysely';
import { identifyKey } from '../../auth/identify-key';
import type { Actor } from '../../auth/roles';
import { createConsoleSession, deleteConsoleSession, findConsoleSession } from '../../db/queries/console-sessions';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';
import type { RateCounter } from '../middleware/rate-limit';
import { type InboxRow, inboxPage, signInPage } from './console-pages';

const COOKIE = 'console_session';
/** A session ends this long after sign-in; sign in again then. */
const SESSION_MS = 8 * 60 * 60 * 1000;
const STYLESHEET = readFileSync(join(__dirname, 'console.css'), 'utf8');
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="12" rx="3" fill="#0b57d0"/><path d="M4 12v4l4-4z" fill="#0b57d0"/></svg>';
/** No inline script or style, nothing from elsewhere, no framing. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface ConsoleRoutesDeps {
  db: Kysely<Database>;
  bootstrapAdminKey: string | undefined;
  /** True when the console is served over HTTPS (PUBLIC_URL): the cookie is then Secure. */
  secureCookies: boolean;
  /** Failed sign-ins per address, shared with `/v1`'s. */
  failures: RateCounter;
  clientAddress: (c: Context<AppEnv>) => string | undefined;
}

export function createConsoleRoutes(deps: ConsoleRoutesDeps) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('Cache-Control', 'no-store');
  });

  app.get('/assets/console.css', (c) => c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/assets/icon.svg', (c) => c.body(ICON, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' }));
  app.get('/sign-in', (c) => c.html(signInPage()));

  app.post('/sign-in', async (c) => {
    if (!sameOrigin(c)) return c.html(signInPage({ problem: 'This form must be sent from the console itself.' }), 403);
    const address = deps.clientAddress(c) ?? 'unknown';
    await deps.failures.check(c, address);
    const form = await c.req.parseBody();
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    const actor = key ? await identifyKey(deps.db, deps.bootstrapAdminKey, key) : undefined;
    if (!actor) {
      await deps.failures.hit(c, address);
      return c.html(signInPage({ problem: 'That key is unknown or revoked. Check it, or ask an admin for a key.' }), 401);
    }
    const token = randomBytes(32).toString('base64url');
    await createConsoleSession(deps.db, { tokenHash: hash(token), actor, csrfToken: randomBytes(24).toString('base64url'), expiresAt: new Date(Date.now() + SESSION_MS) });
    setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure: deps.secureCookies, path: '/console', maxAge: SESSION_MS / 1000 });
    return c.redirect('/console', 303);
  });

  app.get('/', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.redirect('/console/sign-in', 303);
    return c.html(inboxPage({ actor: session.actor, csrfToken: session.csrfToken, conversations: await inbox(deps.db, session.actor) }));
  });

  app.post('/sign-out', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.redirect('/console/sign-in', 303);
    const form = await c.req.parseBody();
    if (!sameOrigin(c) || !sameToken(form.csrf, session.csrfToken)) return c.text('This action needs the form token of your session. Reload the page and try again.', 403);
    await deleteConsoleSession(deps.db, session.tokenHash);
    deleteCookie(c, COOKIE, { path: '/console' });
    return c.redirect('/console/sign-in', 303);
  });

  /** The signed-in session, unless it ended or its key was revoked since. */
  async function sessionOf(c: Context<AppEnv>): Promise<{ actor: Actor; csrfToken: string; tokenHash: string } | undefined> {
    const token = getCookie(c, COOKIE);
    if (!token) return undefined;
    const tokenHash = hash(token);
    const row = await findConsoleSession(deps.db, tokenHash);
    if (!row) return undefined;
    if (row.actor.id !== 'bootstrap') {
      const live = await deps.db.selectFrom('api_keys').select('id').where('id', '=', row.actor.id).where('revoked_at', 'is', null).executeTakeFirst();
      if (!live) return undefined;
    }
    return { actor: row.actor, csrfToken: row.csrf_token, tokenHash };
  }

  return app;
}

/** The newest conversations the actor may see, with their last message. */
async function inbox(db: Kysely<Database>, actor: Actor): Promise<InboxRow[]> {
  let query = db
    .selectFrom('conversations')
    .select((eb) => [
      'conversations.id',
      'conversations.bot_id',
      'conversations.platform',
      'conversations.chat_id',
      'conversations.status',
      'conversations.last_message_at',
      eb
        .selectFrom('messages')
        .select('messages.text')
        .whereRef('messages.conversation_id', '=', 'conversations.id')
        .orderBy('messages.seq', 'desc')
        .limit(1)
        .as('last_text'),
    ])
    .orderBy(sql`coalesce(conversations.last_message_at, conversations.started_at)`, 'desc')
    .limit(100);
  if (actor.bots) query = actor.bots.length > 0 ? query.where('conversations.bot_id', 'in', actor.bots) : query.where(sql<boolean>`false`);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, botId: r.bot_id, platform: r.platform, chatId: r.chat_id, status: r.status, lastMessageAt: r.last_message_at, lastText: r.last_text }));
}

/**
 * A form posted from the console's own pages: browsers say so in `Sec-Fetch-Site`; older ones by an
 * `Origin` that is ours (with `Referrer-Policy: no-referrer` a browser may send `null`, which only
 * passes where `Sec-Fetch-Site` vouches). With SameSite=Strict cookies and form tokens, a third fence.
 */
function sameOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = c.req.header('origin');
  return origin === undefined || origin === new URL(c.req.url).origin;
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
