import { type Kysely, Migrator, sql } from 'kysely';
import { createDb } from '../../src/db/create-db';
import { migrateToLatest } from '../../src/db/migrate';
import { migrations } from '../../src/db/migrations';
import { summarizeBotActivity } from '../../src/db/queries/analytics';
import { insertInboundMessages, insertOutboundMessage } from '../../src/db/queries/messages';
import type { Database } from '../../src/db/schema';
import { createTestDatabase } from '../support/test-database';

/**
 * Time to reply as the summary computed it before waits were stored: for each bot reply, the newest
 * user message before it (by seq) in its conversation, looked up when the summary runs. The
 * reference both the migration's backfill and the wait stored with a new reply must match.
 */
async function waitsByLookup(db: Kysely<any>, botId: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ id: string; waited_ms: string }>`
    select reply.id, round(extract(epoch from (reply.created_at - asked.created_at)) * 1000) as waited_ms
    from messages reply
    cross join lateral (
      select created_at from messages asked
      where asked.conversation_id = reply.conversation_id and asked.direction = 'inbound' and asked.seq < reply.seq
      order by asked.seq desc limit 1
    ) asked
    where reply.bot_id = ${botId} and reply.direction = 'outbound' and reply.author = 'bot'
      and reply.kind in ('reply', 'fallback', 'refusal')
  `.execute(db);
  return new Map(rows.map((row) => [row.id, Number(row.waited_ms)]));
}

async function storedWaits(db: Kysely<Database>, botId: string): Promise<Map<string, number | null>> {
  const rows = await db.selectFrom('messages').select(['id', 'reply_wait_ms']).where('bot_id', '=', botId).execute();
  return new Map(rows.map((row) => [row.id, row.reply_wait_ms]));
}

/** Every stored message's wait: the lookup's value for timed replies, null for everything else. */
function expectedWaits(stored: Map<string, number | null>, lookedUp: Map<string, number>): Map<string, number | null> {
  return new Map([...stored.keys()].map((id) => [id, lookedUp.get(id) ?? null]));
}

describe('reply waits', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb({ connectionString: database.url, maxConnections: 2 });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('the migration gives replies stored before it the waits the summary used to look up', async () => {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo('2026-11-28T0800-analytics-covering-indexes');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.direction, r.status])).toContainEqual(['2026-11-29T0900-reply-wait', 'Down', 'Success']);

    // A history written before the column existed, in the order it would have been stored.
    const botId = 'history-bot';
    const t0 = Date.parse('2026-03-01T10:00:00.000Z');
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    await sql`insert into bots (id, name, system_prompt, model, debounce_ms, idle_timeout_ms, fallback_reply, handoff_timeout_ms, moderation_policy)
      values (${botId}, 'History', 'Be brief.', 'gpt-4o-mini', 0, 86400000, 'Sorry.', 600000, 'flag')`.execute(db);
    const conversation = async (chatId: string) => {
      const { rows } = await sql<{ id: string }>`insert into conversations (bot_id, platform, chat_id, conversation_key, workflow_id, first_run_id, started_at)
        values (${botId}, 'api', ${chatId}, ${`${botId}:api:${chatId}`}, ${`conversation:${chatId}`}, ${`run-${chatId}`}, ${at(0)})
        returning id`.execute(db);
      return rows[0]!.id;
    };
    const a = await conversation('a');
    const b = await conversation('b');
    let key = 0;
    const store = (conversationId: string, direction: 'inbound' | 'outbound', author: string, kind: string, ms: number) =>
      sql`insert into messages (conversation_id, bot_id, platform, direction, author, platform_message_id, outbound_key, text, kind, created_at)
        values (${conversationId}, ${botId}, 'api', ${direction}, ${author},
          ${direction === 'inbound' ? `m${++key}` : null}, ${direction === 'outbound' ? `o${++key}` : null}, 'text', ${kind}, ${at(ms)})`.execute(db);
    await store(b, 'outbound', 'bot', 'reply', 500); // a reply with nothing before it: not timed
    await store(a, 'inbound', 'user', 'message', 1_000);
    await store(a, 'inbound', 'user', 'message', 1_800); // one debounced turn: the newest message counts
    await store(b, 'inbound', 'user', 'message', 2_000);
    await store(a, 'outbound', 'bot', 'reply', 3_300);
    await store(b, 'outbound', 'bot', 'refusal', 2_750);
    await store(a, 'outbound', 'bot', 'notice', 3_400);
    await store(a, 'inbound', 'user', 'message', 10_000);
    await store(a, 'outbound', 'bot', 'fallback', 41_234);
    await store(a, 'inbound', 'user', 'message', 50_000);
    await store(a, 'outbound', 'agent', 'reply', 65_000); // an operator's answer: not timed
    await store(b, 'inbound', 'user', 'message', 70_000);
    await store(b, 'outbound', 'bot', 'reply', 71_001);

    const lookedUp = await waitsByLookup(db, botId);
    expect([...lookedUp.values()].sort((x, y) => x - y)).toEqual([750, 1_001, 1_500, 31_234]);
    const { rows: before } = await sql<{ median: number; p95: number }>`
      select percentile_cont(0.5) within group (order by waited_ms) as median, percentile_cont(0.95) within group (order by waited_ms) as p95
      from (select unnest(${[...lookedUp.values()]}::float8[]) as waited_ms) waits`.execute(db);

    await migrateToLatest(db);

    const stored = await storedWaits(db, botId);
    expect(stored).toEqual(expectedWaits(stored, lookedUp));
    const summary = await summarizeBotActivity(db, { botId, from: new Date(at(0)), to: new Date(at(3_600_000)) });
    expect(summary.timeToReplyMs).toEqual({ median: Math.round(Number(before[0]!.median)), p95: Math.round(Number(before[0]!.p95)) });
    expect(summary.messages).toEqual([{ platform: 'api', in: 6, out: 7 }]);
    expect(summary.moderationFlags).toBe(1);
  });

  it('a reply stores, once, the wait the summary used to look up', async () => {
    const botId = 'live-bot';
    await sql`insert into bots (id, name, system_prompt, model, debounce_ms, idle_timeout_ms, fallback_reply, handoff_timeout_ms, moderation_policy)
      values (${botId}, 'Live', 'Be brief.', 'gpt-4o-mini', 0, 86400000, 'Sorry.', 600000, 'flag')`.execute(db);
    const { id: conversationId } = await db
      .insertInto('conversations')
      .values({ bot_id: botId, platform: 'api', chat_id: 'c', conversation_key: `${botId}:api:c`, workflow_id: 'conversation:c', first_run_id: 'run-live' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const inbound = (messageId: string) => ({
      botId,
      platform: 'api' as const,
      chatId: 'c',
      userId: 'u',
      messageId,
      text: 'hello',
      attachments: [],
      receivedAt: new Date().toISOString(),
    });
    const reply = (outboundKey: string, author: 'bot' | 'agent', kind: 'reply' | 'fallback' | 'refusal' | 'notice') => ({
      conversationId,
      botId,
      platform: 'api',
      outboundKey,
      author,
      text: 'hi',
      kind,
      status: 'sent' as const,
    });

    await insertInboundMessages(db, { conversationId, messages: [inbound('m1'), inbound('m2')] });
    await new Promise((resolve) => setTimeout(resolve, 20)); // some wait to measure
    expect(await insertOutboundMessage(db, reply('r1', 'bot', 'reply'))).toBe(true);
    expect(await insertOutboundMessage(db, reply('r1', 'bot', 'reply'))).toBe(false);
    await insertOutboundMessage(db, reply('n1', 'bot', 'notice'));
    await insertInboundMessages(db, { conversationId, messages: [inbound('m3')] });
    await insertOutboundMessage(db, reply('a1', 'agent', 'reply'));
    await insertOutboundMessage(db, reply('f1', 'bot', 'fallback'));

    const stored = await storedWaits(db, botId);
    const lookedUp = await waitsByLookup(db, botId);
    expect(lookedUp.size).toBe(2);
    expect(Math.max(...lookedUp.values())).toBeGreaterThanOrEqual(20);
    expect(stored).toEqual(expectedWaits(stored, lookedUp));
  });
});
