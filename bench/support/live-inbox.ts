import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { insertInboundMessages } from '../../src/db/queries/messages';
import type { Database } from '../../src/db/schema';
import { readServerSentEvents } from '../../test/support/sse-client';
import { type LatencySummary, summarizeLatencies } from './histogram';

/** One open inbox stream, as a browser's EventSource holds it: the `row` events it got, by conversation. */
interface InboxStream {
  query: string;
  rows: Array<{ id: string; at: number }>;
  ready: Promise<void>;
  close(): void;
}

export interface LiveInboxResult {
  streams: number;
  notices: number;
  /** From storing a message to its row reaching every unfiltered stream. */
  latencyMs: LatencySummary;
  /** This process's CPU (the console's queries and rendering, and the bench's inserts) per message. */
  cpuMsPerNotice: number;
  /** Rows sent over all streams per message: each stream whose filters the conversation matches gets one. */
  rowsPerNotice: number;
}

/**
 * The live inbox with `queries.length` streams open (one per operator's tab, each with its
 * filters): stores `notices` messages one at a time in the given conversations, through the same
 * statement the turn uses (its NOTIFY included), and times each until every unfiltered stream has
 * the conversation's new row.
 */
export async function measureLiveInbox(args: { app: Hono<any>; cookie: string; db: Kysely<Database>; queries: string[]; notices: number; conversations: Target[] }): Promise<LiveInboxResult> {
  const streams = await Promise.all(args.queries.map((query) => openInboxStream(args.app, args.cookie, query)));
  try {
    await Promise.all(streams.map((stream) => stream.ready));
    const watchers = streams.filter((stream) => stream.query === '');
    if (watchers.length === 0) throw new Error('measureLiveInbox needs at least one unfiltered stream');
    // The feed listens once its connection is up: until a message comes through, nothing is timed.
    await untilHeard(args, watchers[0]!);
    const latencies: number[] = [];
    const rowsBefore = streams.reduce((sum, stream) => sum + stream.rows.length, 0);
    const cpuBefore = process.cpuUsage();
    for (let n = 0; n < args.notices; n++) {
      const target = args.conversations[n % args.conversations.length]!;
      const started = performance.now();
      await store(args.db, target, `live-${n}`);
      const arrivals = await Promise.all(watchers.map((stream) => rowArrival(stream, target.id, started)));
      latencies.push(Math.max(...arrivals) - started);
    }
    const cpu = process.cpuUsage(cpuBefore);
    // Streams whose filters the conversation matched also got it; let the last of those land.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = streams.reduce((sum, stream) => sum + stream.rows.length, 0) - rowsBefore;
    return { streams: streams.length, notices: args.notices, latencyMs: summarizeLatencies(latencies), cpuMsPerNotice: (cpu.user + cpu.system) / 1000 / args.notices, rowsPerNotice: rows / args.notices };
  } finally {
    for (const stream of streams) stream.close();
  }
}

type Target = { id: string; botId: string; platform: string; chatId: string };

/** Stores a person's message in `target` as the turn does: the row, the conversation's time, the NOTIFY. */
async function store(db: Kysely<Database>, target: Target, tag: string): Promise<void> {
  await insertInboundMessages(db, {
    conversationId: target.id,
    messages: [{ botId: target.botId, platform: target.platform as never, chatId: target.chatId, userId: target.chatId, messageId: `${tag}-${Date.now()}`, text: 'Any news on my parcel?', attachments: [], receivedAt: new Date().toISOString() }],
  });
}

/** Stores warm-up messages until `stream` hears of one (the feed has connected), for at most 20 s. */
async function untilHeard(args: { db: Kysely<Database>; conversations: Target[] }, stream: InboxStream): Promise<void> {
  const target = args.conversations[0]!;
  for (let attempt = 0; attempt < 40; attempt++) {
    const since = performance.now();
    await store(args.db, target, `warm-up-${attempt}`);
    if (await rowArrival(stream, target.id, since, 500).then(() => true, () => false)) return;
  }
  throw new Error('the inbox stream never heard of a stored message: is the feed listening?');
}

async function openInboxStream(app: Hono<any>, cookie: string, query: string): Promise<InboxStream> {
  const controller = new AbortController();
  const response = await app.request(`/console/inbox/events?${query}`, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  if (response.status !== 200 || !response.body) throw new Error(`inbox events ${query || '(everything)'}: ${response.status}`);
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const stream: InboxStream = { query, rows: [], ready, close: () => undefined };
  const reader = readServerSentEvents(response.body, (event, data) => {
    if (event === 'ready') markReady();
    if (event === 'row') stream.rows.push({ id: (JSON.parse(data) as { id: string }).id, at: performance.now() });
  });
  // Cancelling the body is what ends the server's stream in-process (there is no socket to close).
  stream.close = () => {
    controller.abort();
    void reader.cancel().catch(() => undefined);
  };
  return stream;
}

/** When `stream` got a row for `id` after `since`; fails after `timeoutMs`. */
async function rowArrival(stream: InboxStream, id: string, since: number, timeoutMs = 10_000): Promise<number> {
  for (;;) {
    const row = stream.rows.find((r) => r.id === id && r.at >= since);
    if (row) return row.at;
    if (performance.now() - since > timeoutMs) throw new Error(`no row for ${id} within ${timeoutMs} ms on a stream of "${stream.query}"`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
