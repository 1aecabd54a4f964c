import { Hono } from 'hono';
import { type SSEMessage, streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { BotIdSchema } from '../../bots/bot-id';
import { PLATFORMS } from '../../conversations/platform';
import { listBots } from '../../db/queries/bots';
import { type InboxFilters, listInbox } from '../../db/queries/inbox';
import { scopedBots } from '../bot-scope';
import type { ConsolePages } from './console-app';
import type { ConsoleEnv } from './console-env';
import { createInboxHub } from './inbox-hub';
import { InboxItem, InboxPage, type InboxView } from './pages/inbox-page';

const PAGE_SIZE = 50;

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const InboxQuerySchema = z.object({
  bot: z.preprocess(blankAsUndefined, BotIdSchema.optional()),
  platform: z.preprocess(blankAsUndefined, z.enum(PLATFORMS).optional()),
  status: z.preprocess(blankAsUndefined, z.enum(['active', 'handoff', 'ended']).optional()),
  waiting: z.literal('1').optional(),
  negative: z.literal('1').optional(),
  mine: z.literal('1').optional(),
  q: z.preprocess(blankAsUndefined, z.string().trim().min(1).max(200).optional()),
  before: z.string().regex(/^[^_]+_[0-9a-f-]{36}$/).optional(),
});

/** The inbox page, and its event stream: a changed conversation's row, or its removal when it no longer matches. */
export function createInboxPages({ db, feed, pageContext }: ConsolePages) {
  const app = new Hono<ConsoleEnv>();
  const inboxHub = createInboxHub({ db, feed, renderRow: (row) => renderToString(<InboxItem row={row} />) });

  function readFilters(query: Record<string, string>): { view: InboxView; filters: InboxFilters; actorId?: string; query: URLSearchParams; before?: { activityAt: Date; id: string } } {
    const parsed = InboxQuerySchema.safeParse(query);
    const q = parsed.success ? parsed.data : {};
    const view: InboxView = {
      ...(q.bot && { botId: q.bot }),
      ...(q.platform && { platform: q.platform }),
      ...(q.status && { status: q.status }),
      waiting: q.waiting === '1',
      negative: q.negative === '1',
      mine: q.mine === '1',
      ...(q.q && { search: q.q }),
    };
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({ bot: q.bot, platform: q.platform, status: q.status, waiting: q.waiting, negative: q.negative, mine: q.mine, q: q.q })) {
      if (value) params.set(name, value);
    }
    const [at, id] = q.before?.split('_') ?? [];
    const before = at && id && !Number.isNaN(Date.parse(at)) ? { activityAt: new Date(at), id } : undefined;
    return { view, filters: view, query: params, ...(before && { before }) };
  }

  app.get('/', async (c) => {
    const actor = c.get('actor')!;
    const { view, query, before } = readFilters(c.req.query());
    const onlyBots = scopedBots(c);
    const [rows, bots] = await Promise.all([
      listInbox(db, { ...view, ...(view.mine && { assignedTo: actor.id }), onlyBots, limit: PAGE_SIZE + 1, ...(before && { before }) }),
      listBots(db, { limit: 500, onlyIds: onlyBots }),
    ]);
    const page = rows.slice(0, PAGE_SIZE);
    const last = page.at(-1);
    const nextUrl =
      rows.length > PAGE_SIZE && last ? `/console/inbox?${new URLSearchParams([...query, ['before', `${last.activityAt.toISOString()}_${last.id}`]])}` : undefined;
    return c.html(
      <InboxPage
        page={pageContext(c)}
        rows={page}
        filters={view}
        bots={bots.map((bot) => bot.id)}
        platforms={PLATFORMS}
        eventsUrl={`/console/inbox/events?${query}`}
        {...(nextUrl && { nextUrl })}
      />,
    );
  });

  app.get('/events', (c) => {
    const actor = c.get('actor')!;
    const { view } = readFilters(c.req.query());
    const onlyBots = scopedBots(c);
    return streamSSE(c, async (stream) => {
      let writes = Promise.resolve();
      const send = (event: SSEMessage) => (writes = writes.then(() => stream.writeSSE(event)).catch(() => undefined));
      const stop = inboxHub.watch({ filters: { ...view, ...(view.mine && { assignedTo: actor.id }) }, onlyBots, send });
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), 15_000);
      await send({ event: 'ready', data: '{}' });
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      clearInterval(keepAlive);
      stop();
    });
  });

  return app;
}

/** A component as the HTML text an event carries (escaped as on the page). */
export async function renderToString(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}
