import { type Kysely, sql } from 'kysely';
import { createDb } from '../../src/db/create-db';
import { summarizeBotActivity } from '../../src/db/queries/analytics';
import { daysOf, summarizeDailyActivity } from '../../src/db/queries/analytics-series';
import type { Database } from '../../src/db/schema';
import { createTestDatabase } from '../support/test-database';

/** The dashboard's per-day series: each day's figures, the platform filter, and the plan it runs on. */
describe('the per-day analytics series', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<Database>;
  const botId = 'series-bot';
  const day1 = Date.parse('2026-11-02T00:00:00Z');
  const at = (day: number, ms: number) => new Date(day1 + day * 86_400_000 + ms).toISOString();
  let key = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb({ connectionString: database.url, maxConnections: 2 });
    await sql`insert into bots (id, name, system_prompt, model, debounce_ms, idle_timeout_ms, fallback_reply, handoff_timeout_ms, moderation_policy)
      values (${botId}, 'Series', 'Be brief.', 'gpt-4o-mini', 0, 86400000, 'Sorry.', 600000, 'flag')`.execute(db);
    const conversation = async (chatId: string, platform: string, startedAt: string, extra: { ended?: string; handoff?: string } = {}) => {
      const { rows } = await sql<{ id: string }>`insert into conversations (bot_id, platform, chat_id, conversation_key, workflow_id, first_run_id, started_at, ended_at, handoff_at, handoff_count, status)
        values (${botId}, ${platform}, ${chatId}, ${`${botId}:${platform}:${chatId}`}, ${`conversation:${chatId}`}, ${`run-${chatId}`}, ${startedAt},
          ${extra.ended ?? null}, ${extra.handoff ?? null}, ${extra.handoff ? 1 : 0}, ${extra.ended ? 'ended' : extra.handoff ? 'handoff' : 'active'})
        returning id`.execute(db);
      return rows[0]!.id;
    };
    const store = (conversationId: string, platform: string, direction: 'inbound' | 'outbound', author: string, createdAt: string, extra: { wait?: number; cost?: number; sentiment?: string } = {}) =>
      sql`insert into messages (conversation_id, bot_id, platform, direction, author, platform_message_id, outbound_key, text, kind, created_at, reply_wait_ms, cost_usd, model_tokens, sentiment)
        values (${conversationId}, ${botId}, ${platform}, ${direction}, ${author}, ${direction === 'inbound' ? `m${++key}` : null}, ${direction === 'outbound' ? `o${++key}` : null},
          'text', ${direction === 'inbound' ? 'message' : 'reply'}, ${createdAt}, ${extra.wait ?? null}, ${extra.cost ?? null}, ${extra.cost ? 100 : null}, ${extra.sentiment ?? null})`.execute(db);

    // Day 0: a Telegram conversation, two turns. Day 2: a web chat one handed over, answered by a human 90 s later.
    const a = await conversation('a', 'telegram', at(0, 1000), { ended: at(1, 0) });
    await store(a, 'telegram', 'inbound', 'user', at(0, 2000), { sentiment: 'negative' });
    await store(a, 'telegram', 'outbound', 'bot', at(0, 3000), { wait: 1000, cost: 0.01 });
    await store(a, 'telegram', 'inbound', 'user', at(0, 4000), { sentiment: 'neutral' });
    await store(a, 'telegram', 'outbound', 'bot', at(0, 7000), { wait: 3000, cost: 0.02 });
    const b = await conversation('b', 'webchat', at(2, 0), { handoff: at(2, 10_000) });
    await store(b, 'webchat', 'inbound', 'user', at(2, 5000), { sentiment: 'negative' });
    await store(b, 'webchat', 'outbound', 'agent', at(2, 100_000));
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('gives every day of the window, with what happened that day', async () => {
    const days = await summarizeDailyActivity(db, { botId, from: new Date(at(0, 0)), to: new Date(at(3, 0)) });
    expect(days.map((day) => day.day)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
    expect(days[0]).toMatchObject({ started: 1, ended: 0, messagesIn: 2, messagesOut: 2, replyP50Ms: 2000, replyP95Ms: 2900, costUsd: 0.03, modelTokens: 200, negative: 1, neutral: 1 });
    expect(days[1]).toMatchObject({ started: 0, ended: 1, messagesIn: 0, messagesOut: 0, replyP50Ms: null });
    expect(days[2]).toMatchObject({ started: 1, handoffs: 1, messagesIn: 1, messagesOut: 1, firstHumanReplyP50Ms: 90_000, negative: 1 });
    // The days add up to the summary over the same window.
    const summary = await summarizeBotActivity(db, { botId, from: new Date(at(0, 0)), to: new Date(at(3, 0)) });
    expect(days.reduce((sum, day) => sum + day.messagesIn, 0)).toBe(summary.messages.reduce((sum, row) => sum + row.in, 0));
    expect(days.reduce((sum, day) => sum + day.started, 0)).toBe(summary.conversations.started);
  });

  it('narrows the series and the summary to one platform', async () => {
    const days = await summarizeDailyActivity(db, { botId, platform: 'webchat', from: new Date(at(0, 0)), to: new Date(at(3, 0)) });
    expect(days.map((day) => day.messagesIn)).toEqual([0, 0, 1]);
    const summary = await summarizeBotActivity(db, { botId, platform: 'webchat', from: new Date(at(0, 0)), to: new Date(at(3, 0)) });
    expect(summary.messages).toEqual([{ platform: 'webchat', in: 1, out: 1 }]);
    expect(summary.conversations.started).toBe(1);
  });

  it("reads the window's messages from the covering index alone (the plan)", async () => {
    await sql`analyze messages`.execute(db);
    const plan = await db.connection().execute(async (connection) => {
      // Too few rows for the planner to prefer an index on its own: ask what the index can do.
      await sql`set enable_seqscan = off`.execute(connection);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain
        select count(*) filter (where direction = 'inbound'), percentile_cont(0.5) within group (order by reply_wait_ms), sum(cost_usd), sum(moderation_flags), sum(model_tokens)
        from messages where bot_id = ${botId} and created_at >= ${at(0, 0)} and created_at < ${at(3, 0)}`.execute(connection);
      await sql`reset enable_seqscan`.execute(connection);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Only Scan using messages_bot_platform_created_cost_idx/);
  });

  it('counts the days a window touches, in UTC', () => {
    expect(daysOf(new Date('2026-11-30T12:00:00Z'), new Date('2026-12-02T00:00:00Z'))).toEqual(['2026-11-30', '2026-12-01']);
    expect(daysOf(new Date('2026-12-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'))).toEqual([]);
  });
});
