import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema';

export interface AnalyticsSummary {
  conversations: { started: number; ended: number; handoffs: number };
  messages: Array<{ platform: string; in: number; out: number }>;
  timeToReplyMs: { median: number | null; p95: number | null };
  moderationFlags: number;
  modelTokens: number;
}

/**
 * One bot's activity in `[from, to)`, computed in SQL over the indexes on `(bot_id, created_at)`
 * (covering the columns read, so a long window needs no table reads), `(bot_id, started_at)` and
 * `(bot_id, ended_at)`. Time to reply runs from the newest message a reply answered to the
 * reply's storage; an operator's messages and notices are not counted as replies.
 */
export async function summarizeBotActivity(
  db: Kysely<Database>,
  args: { botId: string; from: Date; to: Date },
): Promise<AnalyticsSummary> {
  const { botId, from, to } = args;
  // Two range scans, one per index, so the cost follows the window rather than the bot's history.
  const conversations = await sql<{ started: string; ended: string; handoffs: string }>`
    select started.count as started, ended.count as ended, started.handoffs
    from (
      select count(*), coalesce(sum(handoff_count), 0) as handoffs from conversations
      where bot_id = ${botId} and started_at >= ${from} and started_at < ${to}
    ) started,
    (select count(*) from conversations where bot_id = ${botId} and ended_at >= ${from} and ended_at < ${to}) ended
  `.execute(db);

  const messages = await sql<{ platform: string; in: string; out: string; flags: string; tokens: string }>`
    select platform,
      count(*) filter (where direction = 'inbound') as in,
      count(*) filter (where direction = 'outbound') as out,
      count(*) filter (where kind = 'refusal') as flags,
      coalesce(sum(model_tokens), 0) as tokens
    from messages
    where bot_id = ${botId} and created_at >= ${from} and created_at < ${to}
    group by platform
    order by platform
  `.execute(db);

  const replyTimes = await sql<{ median: number | null; p95: number | null }>`
    select
      percentile_cont(0.5) within group (order by waited_ms) as median,
      percentile_cont(0.95) within group (order by waited_ms) as p95
    from (
      select extract(epoch from (reply.created_at - asked.created_at)) * 1000 as waited_ms
      from messages reply
      cross join lateral (
        select created_at from messages asked
        where asked.conversation_id = reply.conversation_id and asked.direction = 'inbound' and asked.seq < reply.seq
        order by asked.seq desc limit 1
      ) asked
      where reply.bot_id = ${botId} and reply.direction = 'outbound' and reply.author = 'bot'
        and reply.kind in ('reply', 'fallback', 'refusal')
        and reply.created_at >= ${from} and reply.created_at < ${to}
    ) waits
  `.execute(db);

  const counts = conversations.rows[0]!;
  const byPlatform = messages.rows;
  const times = replyTimes.rows[0];
  return {
    conversations: { started: Number(counts.started), ended: Number(counts.ended), handoffs: Number(counts.handoffs) },
    messages: byPlatform.map((row) => ({ platform: row.platform, in: Number(row.in), out: Number(row.out) })),
    timeToReplyMs: {
      median: times?.median === null || times?.median === undefined ? null : Math.round(Number(times.median)),
      p95: times?.p95 === null || times?.p95 === undefined ? null : Math.round(Number(times.p95)),
    },
    moderationFlags: byPlatform.reduce((sum, row) => sum + Number(row.flags), 0),
    modelTokens: byPlatform.reduce((sum, row) => sum + Number(row.tokens), 0),
  };
}
