import type { Client } from 'pg';

export interface AnalyticsHistoryShape {
  /** Messages in all, exactly. */
  messages: number;
  conversations: number;
  bots: number;
  /** The history ends an hour ago and reaches this many days back. */
  days: number;
}

/** The seeded bots' ids, busiest first: `bench-bot-1` gets about 45% of the conversations. */
export function seededBotIds(bots: number): string[] {
  return Array.from({ length: bots }, (_, index) => `bench-bot-${index + 1}`);
}

/**
 * Fills an empty, migrated database with a history the way the product writes it, generated in
 * SQL (`INSERT … SELECT generate_series`) so a million rows take seconds, not minutes:
 *
 * - bots: skewed, the first busiest (share of bot k ≈ √(k/n) − √((k−1)/n));
 * - conversations: spread over the days with traffic growing towards today, on the platforms in
 *   rough real proportions (web chat most, Discord least), about 5% handed off to a person;
 * - messages: a user message, then the bot's reply, turn after turn (exponential conversation
 *   lengths); replies after a log-normal wait (median 1.5 s), fallbacks after the model's retries
 *   (15–45 s), 1% refusals by moderation, tokens on each model reply; after a handoff, the replies
 *   are an agent's; each bot reply carries its wait, as stored with it. Rows go in ordered by time,
 *   as they would have arrived.
 */
export async function seedAnalyticsHistory(
  client: Client,
  shape: AnalyticsHistoryShape,
  onProgress: (line: string) => void,
): Promise<void> {
  const { messages, conversations, bots, days } = shape;
  await client.query(`set work_mem = '256MB'; set maintenance_work_mem = '256MB'; set synchronous_commit = off`);

  await client.query(
    `insert into bots (id, name, system_prompt, model, debounce_ms, idle_timeout_ms, fallback_reply, created_at, updated_at)
     select 'bench-bot-' || b, 'Bench bot ' || b, 'You are a helpful assistant.', 'gpt-4o-mini', 800, 86400000,
       'Sorry, I cannot answer right now.', now() - make_interval(days => $2 + 1), now() - make_interval(days => $2 + 1)
     from generate_series(1, $1::int) b`,
    [bots, days],
  );

  onProgress(`planning ${conversations.toLocaleString('en')} conversations`);
  await client.query(
    `create unlogged table bench_conversation_plan as
     select n, gen_random_uuid() as id,
       'bench-bot-' || (1 + floor($2::int * random() ^ 2))::int as bot_id,
       (array['webchat','webchat','webchat','webchat','webchat','webchat','webchat','api','api','api','api',
              'telegram','telegram','telegram','whatsapp','whatsapp','messenger','messenger','slack','discord'])[1 + floor(random() * 20)::int] as platform,
       'chat-' || n as chat_id,
       now() - interval '1 hour' - make_interval(days => $3) + make_interval(days => $3) * sqrt(random()) as started_at,
       2 + floor(-ln(1 - random()) * 18) as raw_count,
       case when r < 0.005 then 2 when r < 0.05 then 1 else 0 end as handoff_count
     from (select n, random() as r from generate_series(1, $1::int) n) s`,
    [conversations, bots, days],
  );
  // Scale the drawn lengths so the messages add up to exactly the number asked for.
  await client.query(`alter table bench_conversation_plan add column message_count int`);
  await client.query(
    `update bench_conversation_plan set message_count = greatest(1, round(raw_count * $1::float8 / (select sum(raw_count) from bench_conversation_plan)))`,
    [messages],
  );
  await client.query(
    `update bench_conversation_plan set message_count = message_count + ($1::bigint - (select sum(message_count) from bench_conversation_plan))
     where n = (select n from bench_conversation_plan order by message_count desc limit 1)`,
    [messages],
  );

  onProgress(`planning ${messages.toLocaleString('en')} messages`);
  await client.query(
    `create unlogged table bench_message_plan as
     with steps as (
       select c.id as conversation_id, c.bot_id, c.platform, c.chat_id, c.started_at, i,
         i % 2 = 0 as inbound,
         c.handoff_count > 0 and i > c.message_count / 2 as by_agent,
         random() as r
       from bench_conversation_plan c cross join lateral generate_series(0, c.message_count - 1) as i
     ), shaped as (
       select *,
         case when inbound then 'message' when by_agent then 'reply' when r < 0.01 then 'refusal' when r < 0.025 then 'fallback' else 'reply' end as kind,
         case
           when i = 0 then 0
           when inbound then 3000 + -ln(1 - random()) * 45000
           when by_agent then 10000 + -ln(1 - random()) * 60000
           when r >= 0.01 and r < 0.025 then 15000 + random() * 30000
           else least(120000, 1500 * exp(0.6 * random_normal()))
         end as gap_ms
       from steps
     ), timed as (
       select conversation_id, bot_id, platform, chat_id, i,
         case when inbound then 'inbound' else 'outbound' end as direction,
         case when inbound then 'user' when by_agent then 'agent' else 'bot' end as author,
         kind,
         case when kind = 'reply' and not by_agent then 40 + floor(random() * 560)::int end as model_tokens,
         case when inbound then 10 + floor(random() * 190)::int else 40 + floor(random() * 560)::int end as text_length,
         started_at + sum(gap_ms) over (partition by conversation_id order by i) * interval '1 millisecond' as created_at
       from shaped
     )
     select *,
       -- What insertOutboundMessage stores with a bot reply: the wait since the newest user message.
       case when author = 'bot' and kind in ('reply', 'fallback', 'refusal') then
         least(2147483647, round(extract(epoch from (created_at - max(created_at) filter (where direction = 'inbound')
           over (partition by conversation_id order by i rows between unbounded preceding and 1 preceding))) * 1000))::int
       end as reply_wait_ms
     from timed`,
  );
  await client.query(`create index on bench_message_plan (created_at)`);

  onProgress('inserting conversations');
  await client.query(
    `insert into conversations (id, bot_id, platform, chat_id, conversation_key, workflow_id, first_run_id, status,
       started_at, last_message_at, ended_at, end_reason, handoff_count)
     select c.id, c.bot_id, c.platform, c.chat_id, key, 'conversation:' || key, 'bench-run-' || c.n,
       case when ended then 'ended' when c.handoff_count > 0 then 'handoff' else 'active' end,
       c.started_at, last.at, case when ended then last.at + interval '24 hours' end, case when ended then 'idle' end, c.handoff_count
     from bench_conversation_plan c
     join (select conversation_id, max(created_at) as at from bench_message_plan group by conversation_id) last on last.conversation_id = c.id
     cross join lateral (select c.bot_id || ':' || c.platform || ':' || c.chat_id as key, last.at + interval '24 hours' < now() as ended) k
     order by c.started_at`,
  );

  // In time slices, ordered by time: the table's physical order follows time, as in production.
  const { rows } = await client.query<{ first: Date; last: Date }>(`select min(created_at) as first, max(created_at) as last from bench_message_plan`);
  const first = rows[0]!.first.getTime();
  const span = rows[0]!.last.getTime() - first + 1;
  const slices = 20;
  const started = Date.now();
  let inserted = 0;
  for (let slice = 0; slice < slices; slice++) {
    const result = await client.query(
      `insert into messages (conversation_id, bot_id, platform, direction, author, platform_message_id, outbound_key, user_id,
         text, kind, status, model_tokens, reply_wait_ms, created_at)
       select conversation_id, bot_id, platform, direction, author,
         case when direction = 'inbound' then chat_id || ':m' || i end,
         case when direction = 'outbound' then case when author = 'agent' then 'agent:' else 'reply:' end || i end,
         case when direction = 'inbound' then 'user-' || chat_id end,
         left(repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 11), text_length),
         kind, case when direction = 'inbound' then 'received' else 'sent' end, model_tokens, reply_wait_ms, created_at
       from bench_message_plan
       where created_at >= $1 and created_at < $2
       order by created_at`,
      [new Date(first + (span * slice) / slices), new Date(first + (span * (slice + 1)) / slices)],
    );
    inserted += result.rowCount ?? 0;
    const seconds = (Date.now() - started) / 1000;
    onProgress(`inserting messages ${inserted.toLocaleString('en')} / ${messages.toLocaleString('en')} (${seconds.toFixed(0)} s)`);
  }
  await client.query(`drop table bench_message_plan; drop table bench_conversation_plan`);
}
