import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema';

/** One UTC day of a bot's activity: what the console's dashboard draws. */
export interface DailyActivity {
  /** `2026-12-01`. */
  day: string;
  started: number;
  ended: number;
  handoffs: number;
  messagesIn: number;
  messagesOut: number;
  replyP50Ms: number | null;
  replyP95Ms: number | null;
  /** From a handoff to the first operator message after it, for handoffs that day. */
  firstHumanReplyP50Ms: number | null;
  moderationFlags: number;
  modelTokens: number;
  costUsd: number;
  negative: number;
  neutral: number;
  positive: number;
}

/**
 * The summary (`summarizeBotActivity`) day by day, in UTC, for one bot and optionally one platform,
 * over `[from, to)`; every day of the window is present, zero when nothing happened. Each
 * statement is a range scan of an index on `(bot_id, …, time)`: the cost follows the window.
 */
export async function summarizeDailyActivity(
  db: Kysely<Database>,
  args: { botId: string; platform?: string; from: Date; to: Date },
): Promise<DailyActivity[]> {
  const { botId, from, to } = args;
  const onPlatform = args.platform ? sql`and platform = ${args.platform}` : sql``;
  const day = (column: string) => sql`to_char(date_trunc('day', ${sql.ref(column)} at time zone 'UTC'), 'YYYY-MM-DD')`;

  const messages = await sql<{ day: string; in: string; out: string; p50: number | null; p95: number | null; flags: string; tokens: string; cost: string | null }>`
    select ${day('created_at')} as day,
      count(*) filter (where direction = 'inbound') as in,
      count(*) filter (where direction = 'outbound') as out,
      percentile_cont(0.5) within group (order by reply_wait_ms) as p50,
      percentile_cont(0.95) within group (order by reply_wait_ms) as p95,
      coalesce(sum(moderation_flags), 0) as flags,
      coalesce(sum(model_tokens), 0) as tokens,
      sum(cost_usd) as cost
    from messages
    where bot_id = ${botId} and created_at >= ${from} and created_at < ${to} ${onPlatform}
    group by 1
  `.execute(db);

  const started = await sql<{ day: string; count: string; handoffs: string }>`
    select ${day('started_at')} as day, count(*), coalesce(sum(handoff_count), 0) as handoffs
    from conversations
    where bot_id = ${botId} and started_at >= ${from} and started_at < ${to} ${onPlatform}
    group by 1
  `.execute(db);

  const ended = await sql<{ day: string; count: string }>`
    select ${day('ended_at')} as day, count(*)
    from conversations
    where bot_id = ${botId} and ended_at >= ${from} and ended_at < ${to} ${onPlatform}
    group by 1
  `.execute(db);

  const humanReplies = await sql<{ day: string; p50: number | null }>`
    select ${day('handoff_at')} as day,
      percentile_cont(0.5) within group (order by extract(epoch from (first_reply.at - c.handoff_at)) * 1000) as p50
    from conversations c
    cross join lateral (
      select min(m.created_at) as at from messages m
      where m.conversation_id = c.id and m.author = 'agent' and m.created_at >= c.handoff_at
    ) first_reply
    where c.bot_id = ${botId} and c.handoff_at >= ${from} and c.handoff_at < ${to} ${args.platform ? sql`and c.platform = ${args.platform}` : sql``}
      and first_reply.at is not null
    group by 1
  `.execute(db);

  const sentiment = await sql<{ day: string; negative: string; neutral: string; positive: string }>`
    select ${day('created_at')} as day,
      count(*) filter (where sentiment = 'negative') as negative,
      count(*) filter (where sentiment = 'neutral') as neutral,
      count(*) filter (where sentiment = 'positive') as positive
    from messages
    where bot_id = ${botId} and created_at >= ${from} and created_at < ${to} ${onPlatform}
      and direction = 'inbound' and sentiment is not null
    group by 1
  `.execute(db);

  const byDay = <T extends { day: string }>(rows: T[]) => new Map(rows.map((row) => [row.day, row]));
  const [m, s, e, h, f] = [byDay(messages.rows), byDay(started.rows), byDay(ended.rows), byDay(humanReplies.rows), byDay(sentiment.rows)];
  return daysOf(from, to).map((date) => {
    const msg = m.get(date);
    const feel = f.get(date);
    return {
      day: date,
      started: Number(s.get(date)?.count ?? 0),
      ended: Number(e.get(date)?.count ?? 0),
      handoffs: Number(s.get(date)?.handoffs ?? 0),
      messagesIn: Number(msg?.in ?? 0),
      messagesOut: Number(msg?.out ?? 0),
      replyP50Ms: roundOrNull(msg?.p50),
      replyP95Ms: roundOrNull(msg?.p95),
      firstHumanReplyP50Ms: roundOrNull(h.get(date)?.p50),
      moderationFlags: Number(msg?.flags ?? 0),
      modelTokens: Number(msg?.tokens ?? 0),
      costUsd: Number(msg?.cost ?? 0),
      negative: Number(feel?.negative ?? 0),
      neutral: Number(feel?.neutral ?? 0),
      positive: Number(feel?.positive ?? 0),
    };
  });
}

/** Every UTC day that `[from, to)` touches, as `YYYY-MM-DD`. */
export function daysOf(from: Date, to: Date): string[] {
  const days: string[] = [];
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (cursor < to) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

function roundOrNull(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value));
}
