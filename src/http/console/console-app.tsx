import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import { endConsoleSession, sweepConsoleSessions } from '../../db/queries/console-sessions';
import type { Database } from '../../db/schema';
import type { MessageFeed } from '../../realtime/message-feed';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { auditTrail } from '../middleware/audit-trail';
import { identifyKey } from '../../auth/identify-key';
import type { RateCounter } from '../middleware/rate-limit';
import type { BotDirectory } from '../../bots/bot-directory';
import type { ChannelDirectory } from '../../channels/channel-directory';
import type { MessagingPlatform } from '../../platforms/messaging-platform';
import { type ConsoleEnv, sessionOf } from './console-env';
import { clearSessionCookie, consoleSession, type CookiePolicy, fromAnotherSite, startConsoleSession } from './console-session';
import { createAnalyticsPages } from './analytics-routes';
import { createAuditPages } from './audit-routes';
import { createBotPages } from './bot-routes';
import { createConversationPages } from './conversation-routes';
import { createInboxPages } from './inbox-routes';
import { Layout, type PageContext } from './pages/layout';
import { SignInPage } from './pages/sign-in-page';

/** No inline script or style anywhere: every script and sheet is a file the product serves. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const ASSETS_DIR = join(__dirname, 'assets');
/** What `/console/assets/` serves, by name: our files and the chart library from node_modules. */
const ASSETS: Record<string, { path: string; type: string }> = {
  'console.css': { path: join(ASSETS_DIR, 'console.css'), type: 'text/css; charset=utf-8' },
  'inbox.js': { path: join(ASSETS_DIR, 'inbox.js'), type: 'text/javascript; charset=utf-8' },
  'conversation.js': { path: join(ASSETS_DIR, 'conversation.js'), type: 'text/javascript; charset=utf-8' },
  'charts.js': { path: join(ASSETS_DIR, 'charts.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.js': { path: require.resolve('uplot/dist/uPlot.esm.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

const FLASH_COOKIE = 'console_flash';
const SWEEP_EVERY_MS = 60 * 60_000;

export interface ConsoleDeps {
  db: Kysely<Database>;
  temporal: Client;
  feed: MessageFeed;
  bots: BotDirectory;
  channels: ChannelDirectory;
  platforms: Record<string, MessagingPlatform>;
  bootstrapAdminKey: string | undefined;
  /** Seals channel credentials and tools' signing secrets. */
  encryptionKey: Buffer;
  /** TOOLS_ALLOW_HTTP: tools may be plain-HTTP URLs (development). */
  toolsAllowHttp: boolean;
  /** How long a sign-in lasts. */
  sessionTtlMs: number;
  /** Where people and platforms reach this server; an https URL makes the cookie Secure. */
  publicUrl: string | undefined;
  temporalUi: { url: string; namespace: string };
  /** Failed sign-ins per address, shared with `/v1`'s failed authentications. */
  failures: RateCounter;
  /** Requests per signed-in key. */
  requests?: RateCounter;
  clientAddress: (c: Context<AppEnv>) => string | undefined;
}

/**
 * The operator's console at `/console`: server-rendered pages (hono/jsx escapes every text), a few
 * small ES modules served from here, live over server-sent events from the message feed.
 */
export function createConsoleApp(deps: ConsoleDeps) {
  const { db } = deps;
  const app = new Hono<ConsoleEnv>();
  const cookie: CookiePolicy = { secure: deps.publicUrl?.startsWith('https:') ?? false };
  let lastSweep = 0;

  app.use(securityHeaders());
  app.use(renderErrorsAsPages());

  app.get('/assets/:name', (c) => {
    const asset = ASSETS[c.req.param('name')];
    if (!asset) throw new AppError('not_found', 'No such file.');
    return c.body(readFileSync(asset.path), 200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
  });

  app.get('/sign-in', (c) => c.html(<SignInPage next={safeNext(c.req.query('next'))} />));

  app.post('/sign-in', async (c) => {
    if (fromAnotherSite(c)) return c.html(<SignInPage next="/console/inbox" error="Sign in from the console's own page." />, 403);
    const address = deps.clientAddress(c) ?? 'unknown';
    await deps.failures.check(c, address);
    const form = await c.req.parseBody();
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const actor = key ? await identifyKey(db, deps.bootstrapAdminKey, key) : undefined;
    if (!actor) {
      await deps.failures.hit(c, address);
      return c.html(<SignInPage next={next} error="That key is unknown or revoked." />, 401);
    }
    await startConsoleSession(c, db, { actor, ttlMs: deps.sessionTtlMs, cookie });
    if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
      lastSweep = Date.now();
      await sweepConsoleSessions(db).catch((error) => c.get('logger').warn({ err: error }, 'Could not sweep old console sessions'));
    }
    return c.redirect(next, 303);
  });

  app.use('*', consoleSession({ db }));
  app.use('*', async function limitRequests(c, next) {
    await deps.requests?.hit(c, c.get('actor')!.id);
    return next();
  });
  // Every change made in the console is in the audit log, as on /v1.
  app.use('*', auditTrail(db));

  app.post('/sign-out', async (c) => {
    await endConsoleSession(db, sessionOf(c).tokenHash);
    clearSessionCookie(c, cookie);
    return c.redirect('/console/sign-in', 303);
  });

  app.get('/', (c) => c.redirect('/console/inbox', 303));

  const pages = { db, pageContext, flash, temporal: deps.temporal, feed: deps.feed };
  app.route('/inbox', createInboxPages(pages));
  app.route('/', createConversationPages({ ...pages, temporalUi: deps.temporalUi }));
  app.route('/analytics', createAnalyticsPages(pages));
  app.route('/audit', createAuditPages(pages));
  app.route('/bots', createBotPages({ ...pages, bots: deps.bots, channels: deps.channels, platforms: deps.platforms, publicUrl: deps.publicUrl, encryptionKey: deps.encryptionKey, toolsAllowHttp: deps.toolsAllowHttp }));

  /** What every page needs: who is signed in, the CSRF token, and the previous action's message. */
  function pageContext(c: Context<ConsoleEnv>): PageContext {
    const text = getCookie(c, FLASH_COOKIE);
    if (text) deleteCookie(c, FLASH_COOKIE, { path: '/console' });
    const flashed = text ? parseFlash(text) : undefined;
    return { actor: c.get('actor')!, csrfToken: sessionOf(c).csrfToken, flash: flashed };
  }

  /** Leaves a message for the next page, then redirects there (post, redirect, get). */
  function flash(c: Context<ConsoleEnv>, to: string, message: { kind: 'error' | 'notice'; text: string }) {
    setCookie(c, FLASH_COOKIE, JSON.stringify(message), { path: '/console', httpOnly: true, sameSite: 'Strict', secure: cookie.secure, maxAge: 60 });
    return c.redirect(to, 303);
  }

  return app;
}

export type ConsolePages = {
  db: Kysely<Database>;
  temporal: Client;
  feed: MessageFeed;
  pageContext: (c: Context<ConsoleEnv>) => PageContext;
  flash: (c: Context<ConsoleEnv>, to: string, message: { kind: 'error' | 'notice'; text: string }) => Response;
};

function parseFlash(text: string): PageContext['flash'] {
  try {
    const value = JSON.parse(text) as { kind?: unknown; text?: unknown };
    if ((value.kind === 'error' || value.kind === 'notice') && typeof value.text === 'string') return { kind: value.kind, text: value.text.slice(0, 500) };
  } catch {
    // A cookie we did not write: ignore it.
  }
  return undefined;
}

/** Only a path inside the console: never an open redirect. */
function safeNext(next: string | undefined): string {
  return next && /^\/console(\/[^\\]*)?$/.test(next) && !next.startsWith('//') ? next : '/console/inbox';
}

function securityHeaders() {
  return createMiddleware<ConsoleEnv>(async function securityHeaders(c, next) {
    await next();
    // A file's own stricter policy (a person's upload is sandboxed) stays.
    if (!c.res.headers.get('Content-Security-Policy')) c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    if (!c.res.headers.get('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
}

/** An error on a page is a page, with a way back; the JSON error stays for scripts that ask for it. */
function renderErrorsAsPages() {
  return createMiddleware<ConsoleEnv>(async function renderErrorsAsPages(c, next) {
    await next();
    const error = c.error;
    if (!error || !(c.req.header('accept') ?? '').includes('text/html')) return;
    const status = error instanceof AppError ? error.status : 500;
    const message = error instanceof AppError ? error.message : 'Something went wrong on our side. Try again later.';
    const title = status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : status === 401 ? 'Signed out' : 'Error';
    // Signed in: the page keeps the console's navigation, so the way on is one click.
    const actor = c.get('actor');
    const session = c.get('session');
    const page = actor && session && status !== 401 ? { actor, csrfToken: session.csrfToken } : undefined;
    c.res = undefined;
    c.res = await c.html(
      <Layout title={title} {...(page && { page })}>
        <h1>{title}</h1>
        <p role="alert">{message}</p>
        <p>
          <a href={status === 401 ? '/console/sign-in' : '/console/inbox'}>{status === 401 ? 'Sign in' : 'Back to the inbox'}</a>
        </p>
      </Layout>,
      status,
    );
  });
}
