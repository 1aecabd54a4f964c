import { type Kysely, sql } from 'kysely';
import { roundUsd } from '../../model/model-usage';
import type { Database } from '../schema';

export interface AnalyticsSummary {
  conversations: { started: number; ended: number; handoffs: number };
  messages: Array<{ platform: string; in: number; out: number }>;
  timeToReplyMs: { median: number | null; p95: number | null };
  moderationFlags: number;
  modelTokens: number;
  /** Tokens and cost by model, over every model call of the window's turns; the costliest first. */
  models: Array<{ model: string; promptTokens: number; completionTokens: number; costUsd: number | null }>;
  /** The sum of the known costs; null when no model used had a price. */
  costUsd: number | null;
  /** What the turns' pipeline understood of people's messages (`src/understanding/`). */
  understanding: {
    sentiment: { negative: number; neutral: number; positive: number };
    /** The most frequent first, at most `TOP_INTENTS`; `other` included. */
    intents: Array<{ intent: string; messages: number }>;
    languages: Array<{ language: string; messages: number }>;
  };
}

/** How many intents and languages the summary lists, the most frequent first. */
export const TOP_INTENTS = 10;

/**
 * One bot's activity in `[from, to)`, computed in SQL over the indexes on `(bot_id, platform,
 * created_at)` (covering the columns read, so a long window needs no table reads), `(bot_id,
 * started_at)` and `(bot_id, ended_at)`. Time to reply is each bot reply's `reply_wait_ms`, stored with the reply:
 * from the newest message it answered to its storage. An operator's messages and notices have none.
 */
export async function summarizeBotActivity(
  db: Kysely<Database>,
  args: { botId: string; from: Date; to: Date; platform?: string },
): Promise<AnalyticsSummary> {
  const { botId, from, to } = args;
  // The console's dashboard narrows to one platform.
  const onPlatform = args.platform ? sql`and platform = ${args.platform}` : sql``;
  // Two range scans, one per index, so the cost follows the window rather than the bot's history.
  const conversations = await sql<{ started: string; ended: string; handoffs: string }>`
    select started.count as started, ended.count as ended, started.handoffs
    from (
      select count(*), coalesce(sum(handoff_count), 0) as handoffs from conversations
      where bot_id = ${botId} and started_at >= ${from} and started_at < ${to} ${onPlatform}
    ) started,
    (select count(*) from conversations where bot_id = ${botId} and ended_at >= ${from} and ended_at < ${to} ${onPlatform}) ended
  `.execute(db);

  // One index-only scan of the window, already in platform order: counts per platform, and totals
  // with the reply times over all of them (the grouping set `()`). Percentiles skip nulls: user
  // messages, notices and an operator's replies have no wait.
  const messages = await sql<{
    platform: string | null;
    in: string;
    out: string;
    flags: string;
    tokens: string;
    median: number | null;
    p95: number | null;
  }>`
    select platform,
      count(*) filter (where direction = 'inbound') as in,
      count(*) filter (where direction = 'outbound') as out,
      coalesce(sum(moderation_flags), 0) as flags,
      coalesce(sum(model_tokens), 0) as tokens,
      percentile_cont(0.5) within group (order by reply_wait_ms) as median,
      percentile_cont(0.95) within group (order by reply_wait_ms) as p95
    from messages
    where bot_id = ${botId} and created_at >= ${from} and created_at < ${to} ${onPlatform}
    group by grouping sets ((platform), ())
    order by platform
  `.execute(db);

  // People's messages that a turn understood, grouped three ways in one scan of the window.
  const understood = await sql<{ sentiment: string | null; intent: string | null; language: string | null; count: string }>`
    select sentiment, intent, language, count(*)
    from messages
    where bot_id = ${botId} and created_at >= ${from} and created_at < ${to} ${onPlatform}
      and direction = 'inbound' and understood_by is not null
    group by grouping sets ((sentiment), (intent), (language))
  `.execute(db);

  // Each reply's model calls, one row per step, summed by model.
  const models = await sql<{ model: string; prompt: string; completion: string; cost: string | null }>`
    select step->>'model' as model,
      sum((step->>'promptTokens')::bigint) as prompt,
      sum((step->>'completionTokens')::bigint) as completion,
      sum((step->>'costUsd')::numeric) as cost
    from messages, jsonb_array_elements(usage) as step
    where bot_id = ${botId} and created_at >= ${from} and created_at < ${to} ${onPlatform}
      and direction = 'outbound' and usage <> '[]'::jsonb
    group by 1
    order by cost desc nulls last, model
  `.execute(db);

  const counts = conversations.rows[0]!;
  // The `()` grouping set is the one row whose platform is null: there is always one, even for no messages.
  const totals = messages.rows.find((row) => row.platform === null)!;
  return {
    conversations: { started: Number(counts.started), ended: Number(counts.ended), handoffs: Number(counts.handoffs) },
    messages: messages.rows.flatMap((row) => (row.platform === null ? [] : [{ platform: row.platform, in: Number(row.in), out: Number(row.out) }])),
    timeToReplyMs: { median: roundedOrNull(totals.median), p95: roundedOrNull(totals.p95) },
    moderationFlags: Number(totals.flags),
    modelTokens: Number(totals.tokens),
    models: models.rows.map((row) => ({
      model: row.model,
      promptTokens: Number(row.prompt),
      completionTokens: Number(row.completion),
      costUsd: row.cost === null ? null : Number(row.cost),
    })),
    costUsd: totalCost(models.rows),
    understanding: understandingOf(understood.rows),
  };
}

function understandingOf(rows: Array<{ sentiment: string | null; intent: string | null; language: string | null; count: string }>): AnalyticsSummary['understanding'] {
  const sentiment = { negative: 0, neutral: 0, positive: 0 };
  const intents: Array<{ intent: string; messages: number }> = [];
  const languages: Array<{ language: string; messages: number }> = [];
  for (const row of rows) {
    const messages = Number(row.count);
    if (row.sentiment !== null && row.sentiment in sentiment) sentiment[row.sentiment as keyof typeof sentiment] = messages;
    if (row.intent !== null) intents.push({ intent: row.intent, messages });
    if (row.language !== null) languages.push({ language: row.language, messages });
  }
  const top = <T extends { messages: number }>(items: T[]) => items.sort((a, b) => b.messages - a.messages).slice(0, TOP_INTENTS);
  return { sentiment, intents: top(intents), languages: top(languages) };
}

function roundedOrNull(value: number | string | null): number | null {
  return value === null ? null : Math.round(Number(value));
}

function totalCost(rows: Array<{ cost: string | null }>): number | null {
  const priced = rows.filter((row) => row.cost !== null);
  return priced.length === 0 ? null : roundUsd(priced.reduce((sum, row) => sum + Number(row.cost), 0));
}
