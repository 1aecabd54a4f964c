import type { Choice } from '../../conversations/choices';
import type { OutboundAttachment } from '../../conversations/outbound-attachment';
import { type Kysely, type Selectable, sql } from 'kysely';
import { type ModelUsage, type UsageTotals, usageTotals } from '../../model/model-usage';
import type { Understanding } from '../../understanding/understanding';
import type { InboundMessage } from '../../conversations/inbound-message';
import type { Database, MessagesTable } from '../schema';

export type MessageRow = Selectable<MessagesTable>;

/** The Postgres channel that announces every stored message, for live streams such as the web chat. */
export const MESSAGE_CHANNEL = 'conversation_messages';

export interface MessageNotice {
  conversationId: string;
  conversationKey: string;
}

/**
 * Stores inbound messages once each. Returns the ids that belong to this conversation: newly stored
 * ones, and ones this conversation stored on an earlier attempt. An id the database already holds for
 * another conversation is a late platform retry, and is left out.
 */
export async function insertInboundMessages(
  db: Kysely<Database>,
  args: { conversationId: string; messages: readonly InboundMessage[] },
): Promise<string[]> {
  const { conversationId, messages } = args;
  if (messages.length === 0) return [];
  const first = messages[0]!;
  const ids = messages.map((m) => m.messageId);
  const insert = db
    .insertInto('messages')
    .values(
      messages.map((m) => ({
        conversation_id: conversationId,
        bot_id: m.botId,
        platform: m.platform,
        direction: 'inbound' as const,
        author: 'user' as const,
        platform_message_id: m.messageId,
        native_id: m.nativeId ?? m.messageId,
        payload: m.payload ?? null,
        user_id: m.userId,
        user_name: m.userName ?? null,
        text: m.text,
        attachments: JSON.stringify(m.attachments),
        kind: 'message' as const,
      })),
    )
    .onConflict((oc) => oc.columns(['bot_id', 'platform', 'platform_message_id']).doNothing())
    .returning('platform_message_id');
  const storedBefore = db
    .selectFrom('messages')
    .select('platform_message_id')
    .where('bot_id', '=', first.botId)
    .where('platform', '=', first.platform)
    .where('platform_message_id', 'in', ids)
    .where('conversation_id', '=', conversationId);
  // One statement, so one round trip and atomic: the insert, the conversation's last-message time
  // and the notice. Its select sees the table as it was before the statement, so the owned ids are
  // those it inserted plus those an earlier attempt stored.
  const { rows } = await sql<{ platform_message_id: string }>`
    with inserted as (${insert}), announced as (${touchAndAnnounce(db, conversationId, [...messages].reverse().find((m) => m.userName)?.userName)})
    select platform_message_id from inserted
    union select platform_message_id from (${storedBefore}) as earlier
  `.execute(db);
  const owned = new Set(rows.map((row) => row.platform_message_id));
  return ids.filter((id) => owned.has(id));
}

export interface OutboundMessageInput {
  conversationId: string;
  botId: string;
  platform: string;
  outboundKey: string;
  author: 'bot' | 'agent';
  text: string;
  kind: 'reply' | 'fallback' | 'refusal' | 'notice';
  status: 'sent' | 'failed';
  error?: { type: string; message: string };
  /** The platform's ids of the parts it accepted. */
  deliveryIds?: string[];
  /** Model tokens spent writing it. */
  /** The model calls of the turn this reply answers. */
  usage?: ModelUsage[];
  /** Conversations of the first shape give only the reply call's total tokens. */
  modelTokens?: number | null;
  /** Moderation verdicts that flagged something in its turn. */
  moderationFlags?: number;
  /** The files it carried (`outbound-attachment.ts`). */
  attachments?: OutboundAttachment[];
  /** The buttons it offered. */
  choices?: Choice[];
}

/**
 * Stores a reply once per outbound key, with its wait (see `waitSinceNewestInbound`); a retry of the
 * same reply changes nothing. Returns false when the message was already stored (a retried activity).
 */
export async function insertOutboundMessage(db: Kysely<Database>, input: OutboundMessageInput): Promise<boolean> {
  const insert = db
    .insertInto('messages')
    .values({
      conversation_id: input.conversationId,
      bot_id: input.botId,
      platform: input.platform,
      direction: 'outbound',
      author: input.author,
      outbound_key: input.outboundKey,
      text: input.text,
      kind: input.kind,
      status: input.status,
      error: input.error ? JSON.stringify(input.error) : null,
      delivery_ids: JSON.stringify(input.deliveryIds ?? []),
      attachments: JSON.stringify(input.attachments ?? []),
      choices: JSON.stringify(input.choices ?? []),
      ...usageColumns(input.usage ?? []),
      ...(input.usage === undefined && input.modelTokens != null ? { model_tokens: input.modelTokens } : {}),
      moderation_flags: input.moderationFlags ?? 0,
      reply_wait_ms: isTimedReply(input) ? waitSinceNewestInbound(input.conversationId) : null,
    })
    .onConflict((oc) => oc.columns(['conversation_id', 'outbound_key']).doNothing())
    .returning('id');
  // The reply is recorded: its draft (see `reply-drafts.ts`) has done its job.
  const dropDraft = db
    .deleteFrom('reply_drafts')
    .where('conversation_id', '=', input.conversationId)
    .where('outbound_key', '=', input.outboundKey);
  // One statement: atomic, and one round trip. The conversation is touched and the message
  // announced only when this call stored it.
  const { rows } = await sql<{ id: string }>`
    with inserted as (${insert}), dropped as (${dropDraft}),
      announced as (${touchAndAnnounce(db, input.conversationId).where(sql<boolean>`exists (select 1 from inserted)`)})
    select id from inserted
  `.execute(db);
  return rows.length > 0;
}

/** A reply's usage as stored: totals to sum, and each step; all null for a reply no model wrote. */
function usageColumns(usage: ModelUsage[]) {
  if (usage.length === 0) return { model_tokens: null, prompt_tokens: null, completion_tokens: null, cost_usd: null, usage: '[]' };
  const totals = usageTotals(usage);
  return {
    model_tokens: totals.promptTokens + totals.completionTokens,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
    cost_usd: totals.costUsd,
    usage: JSON.stringify(usage),
  };
}

/** The replies whose wait the analytics summary times: the bot's answers, not an operator's messages or notices. */
function isTimedReply(input: OutboundMessageInput): boolean {
  return input.author === 'bot' && input.kind !== 'notice';
}

/**
 * From the conversation's newest user message to now, the reply's `created_at` (both are the
 * transaction's `now()`). Outbound rows are stored after the send, so this is the wait the person
 * saw. Capped at the column's range, so an absurd wait can never make the insert fail.
 */
function waitSinceNewestInbound(conversationId: string) {
  return sql<number>`(
    select least(2147483647, round(extract(epoch from (now() - asked.created_at)) * 1000))::int
    from messages asked
    where asked.conversation_id = ${conversationId} and asked.direction = 'inbound'
    order by asked.seq desc limit 1
  )`;
}

export async function listMessages(
  db: Kysely<Database>,
  args: { conversationIds: readonly string[]; afterSeq?: string; limit: number },
): Promise<MessageRow[]> {
  if (args.conversationIds.length === 0) return [];
  let query = db.selectFrom('messages').selectAll().where('conversation_id', 'in', args.conversationIds);
  if (args.afterSeq) query = query.where('seq', '>', args.afterSeq);
  return query.orderBy('seq', 'asc').limit(args.limit).execute();
}

/**
 * Sets the conversation's last-message time and announces the stored message on
 * `MESSAGE_CHANNEL`. The notice is sent when the statement's transaction commits, so a listener
 * hears of a message only once it can read it. Meant as a CTE of the statement that stores.
 */
function touchAndAnnounce(db: Kysely<Database>, conversationId: string, personName?: string) {
  return db
    .updateTable('conversations')
    .set({ last_message_at: sql`now()`, ...(personName && { person_name: personName }) })
    .where('id', '=', conversationId)
    .returning(sql<string>`pg_notify(${MESSAGE_CHANNEL}, json_build_object('conversationId', id, 'conversationKey', conversation_key)::text)`.as('notice'));
}

/** Messages of every conversation a key ever had (an ended conversation's successor included), in order. */
export async function listMessagesByConversationKey(
  db: Kysely<Database>,
  args: { conversationKey: string; afterSeq?: string; limit: number },
): Promise<MessageRow[]> {
  let query = db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .where('conversations.conversation_key', '=', args.conversationKey);
  if (args.afterSeq) query = query.where('messages.seq', '>', args.afterSeq);
  return query.orderBy('messages.seq', 'asc').limit(args.limit).execute();
}

/** Records a platform's report that a reply we sent never reached the person. */
export async function markDeliveryFailed(
  db: Kysely<Database>,
  args: { botId: string; platform: string; deliveryId: string; type: string; message: string },
): Promise<void> {
  await db
    .updateTable('messages')
    .set({ status: 'failed', error: JSON.stringify({ type: args.type, message: args.message }) })
    .where('bot_id', '=', args.botId)
    .where('platform', '=', args.platform)
    .where('direction', '=', 'outbound')
    .where(sql<boolean>`delivery_ids ? ${args.deliveryId}`)
    .execute();
}

/** A reply already recorded under its outbound key: a retried turn finds its own earlier work. */
export async function findOutboundMessage(
  db: Kysely<Database>,
  args: { conversationId: string; outboundKey: string },
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', args.conversationId)
    .where('outbound_key', '=', args.outboundKey)
    .executeTakeFirst();
}

/** Stores what the turn's pipeline understood on the turn's inbound rows, found by their platform ids. */
export async function saveMessageUnderstanding(
  db: Kysely<Database>,
  args: { conversationId: string; messageIds: string[]; understanding: Understanding },
): Promise<void> {
  if (args.messageIds.length === 0) return;
  const { sentiment, intent, language, decidedBy } = args.understanding;
  await db
    .updateTable('messages')
    .set({
      sentiment: sentiment.label,
      sentiment_score: sentiment.score,
      intent: intent.name,
      intent_confidence: intent.confidence,
      language,
      understood_by: decidedBy,
    })
    .where('conversation_id', '=', args.conversationId)
    .where('direction', '=', 'inbound')
    .where('platform_message_id', 'in', args.messageIds)
    .execute();
}

/** What the model calls of a conversation's turns used and cost, over all its replies. */
export async function sumConversationUsage(db: Kysely<Database>, conversationId: string): Promise<UsageTotals> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<string>('prompt_tokens'), sql<string>`0`).as('prompt'),
      eb.fn.coalesce(eb.fn.sum<string>('completion_tokens'), sql<string>`0`).as('completion'),
      eb.fn.sum<string | null>('cost_usd').as('cost'),
    ])
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow();
  return { promptTokens: Number(row.prompt), completionTokens: Number(row.completion), costUsd: row.cost === null ? null : Number(row.cost) };
}

/** When the person last wrote in this chat, in any conversation it had; null when they never did. */
export async function findLastInboundAt(db: Kysely<Database>, key: { botId: string; platform: string; chatId: string }): Promise<Date | null> {
  const row = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select((eb) => eb.fn.max('messages.created_at').as('at'))
    .where('conversations.bot_id', '=', key.botId)
    .where('conversations.platform', '=', key.platform)
    .where('conversations.chat_id', '=', key.chatId)
    .where('messages.direction', '=', 'inbound')
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

/** A proactive message already stored under this outbound key, whatever became of it. */
export async function findProactiveMessage(db: Kysely<Database>, args: { botId: string; outboundKey: string }): Promise<{ conversationId: string } | undefined> {
  const row = await db
    .selectFrom('messages')
    .select('conversation_id')
    .where('bot_id', '=', args.botId)
    .where('outbound_key', '=', args.outboundKey)
    .executeTakeFirst();
  return row && { conversationId: row.conversation_id };
}

/** True when one of the bot's stored replies went out as this platform message. */
export async function isOurDelivery(db: Kysely<Database>, args: { botId: string; platform: string; deliveryId: string }): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('bot_id', '=', args.botId)
    .where('platform', '=', args.platform)
    .where('direction', '=', 'outbound')
    .where(sql<boolean>`delivery_ids ? ${args.deliveryId}`)
    .executeTakeFirst();
  return row !== undefined;
}
