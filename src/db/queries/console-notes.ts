import type { Kysely, Selectable } from 'kysely';
import type { CannedResponsesTable, ConversationNotesTable, Database } from '../schema';

/** Operators' private notes and a bot's canned responses: the console's own records, never sent. */

export type NoteRow = Selectable<ConversationNotesTable>;
export type CannedResponseRow = Selectable<CannedResponsesTable>;

export async function insertNote(db: Kysely<Database>, args: { conversationId: string; author: string; text: string }): Promise<void> {
  await db.insertInto('conversation_notes').values({ conversation_id: args.conversationId, author: args.author, text: args.text }).execute();
}

export async function listNotes(db: Kysely<Database>, conversationId: string): Promise<NoteRow[]> {
  return db.selectFrom('conversation_notes').selectAll().where('conversation_id', '=', conversationId).orderBy('created_at').execute();
}

export async function listCannedResponses(db: Kysely<Database>, botId: string): Promise<CannedResponseRow[]> {
  return db.selectFrom('canned_responses').selectAll().where('bot_id', '=', botId).orderBy('title').execute();
}

/** Adds a canned response, or replaces the text of the one with this title. */
export async function upsertCannedResponse(db: Kysely<Database>, args: { botId: string; title: string; text: string }): Promise<void> {
  await db
    .insertInto('canned_responses')
    .values({ bot_id: args.botId, title: args.title, text: args.text })
    .onConflict((oc) => oc.columns(['bot_id', 'title']).doUpdateSet({ text: args.text }))
    .execute();
}

export async function deleteCannedResponse(db: Kysely<Database>, args: { botId: string; id: string }): Promise<void> {
  await db.deleteFrom('canned_responses').where('bot_id', '=', args.botId).where('id', '=', args.id).execute();
}

/** When a message last came in on each platform of the bot: each came through a webhook whose signature was verified. */
export async function lastInboundByPlatform(db: Kysely<Database>, botId: string): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('messages')
    .select(['platform', (eb) => eb.fn.max('created_at').as('at')])
    .where('bot_id', '=', botId)
    .where('direction', '=', 'inbound')
    .groupBy('platform')
    .execute();
  return new Map(rows.map((row) => [row.platform, new Date(row.at)]));
}
