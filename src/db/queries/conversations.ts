import { type Kysely, type Selectable, sql } from 'kysely';
import { type ConversationKey, formatConversationKey } from '../../conversations/conversation-key';
import type { ConversationsTable, Database } from '../schema';

export type ConversationRow = Selectable<ConversationsTable>;

/** The Postgres channel that announces a conversation's status or assignment change (a trigger sends it). */
export const CONVERSATION_CHANNEL = 'conversation_changes';

/** Returns the conversation's row, creating it on first call. Idempotent per run chain (`firstRunId`). */
export async function openConversation(
  db: Kysely<Database>,
  args: { key: ConversationKey; workflowId: string; firstRunId: string },
): Promise<string> {
  const { key, workflowId, firstRunId } = args;
  const inserted = await db
    .insertInto('conversations')
    .values({
      bot_id: key.botId,
      platform: key.platform,
      chat_id: key.chatId,
      conversation_key: formatConversationKey(key),
      workflow_id: workflowId,
      first_run_id: firstRunId,
    })
    .onConflict((oc) => oc.column('first_run_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('conversations')
    .select('id')
    .where('first_run_id', '=', firstRunId)
    .executeTakeFirstOrThrow();
  return existing.id;
}

export async function markConversationEnded(
  db: Kysely<Database>,
  args: { conversationId: string; reason: string },
): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ status: 'ended', ended_at: sql`coalesce(ended_at, now())`, end_reason: args.reason })
    .where('id', '=', args.conversationId)
    .execute();
}

export async function updateConversationStatus(
  db: Kysely<Database>,
  args: { conversationId: string; status: 'active' | 'handoff' },
): Promise<void> {
  // An ended conversation stays ended.
  await db
    .updateTable('conversations')
    .set((eb) => ({
      status: args.status,
      handoff_count: args.status === 'handoff' ? eb('handoff_count', '+', 1) : eb.ref('handoff_count'),
      // From now it waits for a human (the console's inbox); back with the bot, it waits for none.
      handoff_at: args.status === 'handoff' ? sql<Date>`now()` : null,
    }))
    .where('id', '=', args.conversationId)
    .where('status', '!=', 'ended')
    .where('status', '!=', args.status)
    .execute();
}

export async function recordConversationError(
  db: Kysely<Database>,
  args: { conversationId: string; type: string; message: string },
): Promise<void> {
  const lastError = { type: args.type, message: args.message, at: new Date().toISOString() };
  await db
    .updateTable('conversations')
    .set({ last_error: JSON.stringify(lastError) })
    .where('id', '=', args.conversationId)
    .execute();
}

export async function updateConversationSummary(db: Kysely<Database>, args: { conversationId: string; summary: string }): Promise<void> {
  await db.updateTable('conversations').set({ summary: args.summary }).where('id', '=', args.conversationId).execute();
}

/** Whether the bot may speak in the conversation right now, as the system of record says. */
export async function findConversationStatus(db: Kysely<Database>, id: string): Promise<ConversationRow['status'] | undefined> {
  const row = await db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirst();
  return row?.status;
}

export async function findConversation(db: Kysely<Database>, id: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ConversationFilters {
  botId?: string;
  platform?: string;
  status?: 'active' | 'handoff' | 'ended';
}

/** A page of conversations, newest first. The cursor is the last row's `(started_at, id)`. */
export async function listConversations(
  db: Kysely<Database>,
  args: ConversationFilters & { limit: number; after?: { startedAt: string; id: string }; onlyBots?: string[] },
): Promise<ConversationRow[]> {
  let query = db.selectFrom('conversations').selectAll();
  if (args.botId) query = query.where('bot_id', '=', args.botId);
  if (args.onlyBots) query = args.onlyBots.length > 0 ? query.where('bot_id', 'in', args.onlyBots) : query.where(sql<boolean>`false`);
  if (args.platform) query = query.where('platform', '=', args.platform);
  if (args.status) query = query.where('status', '=', args.status);
  if (args.after) {
    const { startedAt, id } = args.after;
    query = query.where(sql<boolean>`(started_at, id) < (${new Date(startedAt)}, ${id}::uuid)`);
  }
  return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(args.limit).execute();
}

/** Conversations not yet ended, for the active-conversations gauge. */
export async function countUnendedConversations(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', '!=', 'ended')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
