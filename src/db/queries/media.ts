import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** One attachment's place: the message it came with (by the platform's id) and its index in it. */
export interface AttachmentKey {
  botId: string;
  platform: string;
  platformMessageId: string;
  index: number;
}

/** What was kept of an attachment, without its bytes; undefined before it was downloaded. */
export async function findMedia(db: Kysely<Database>, key: AttachmentKey) {
  return db
    .selectFrom('media')
    .select(['id', 'kind', 'mime_type', 'size_bytes', 'transcript'])
    .where('bot_id', '=', key.botId)
    .where('platform', '=', key.platform)
    .where('platform_message_id', '=', key.platformMessageId)
    .where('attachment_index', '=', key.index)
    .executeTakeFirst();
}

/** Keeps an attachment's bytes. A retried download finds the row a first attempt stored, and keeps that. */
export async function storeMedia(
  db: Kysely<Database>,
  media: AttachmentKey & { conversationId: string; kind: string; mimeType: string; name: string | null; bytes: Buffer },
): Promise<string> {
  const inserted = await db
    .insertInto('media')
    .values({
      bot_id: media.botId,
      platform: media.platform,
      platform_message_id: media.platformMessageId,
      attachment_index: media.index,
      conversation_id: media.conversationId,
      kind: media.kind,
      mime_type: media.mimeType,
      name: media.name,
      size_bytes: media.bytes.length,
      bytes: media.bytes,
    })
    .onConflict((oc) => oc.constraint('media_attachment_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await findMedia(db, media);
  return existing!.id;
}

/** Keeps what the transcription model heard; a message sent with no text of its own reads as it. */
export async function storeTranscript(db: Kysely<Database>, key: AttachmentKey & { mediaId: string; transcript: string; model: string }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('media').set({ transcript: key.transcript, transcribed_by: key.model }).where('id', '=', key.mediaId).execute();
    await tx
      .updateTable('messages')
      .set({ text: key.transcript })
      .where('bot_id', '=', key.botId)
      .where('platform', '=', key.platform)
      .where('platform_message_id', '=', key.platformMessageId)
      .where('text', '=', '')
      .execute();
  });
}

/** The bytes of the images a turn shows the model. */
export async function mediaBytes(db: Kysely<Database>, ids: string[]): Promise<Map<string, Buffer>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('media').select(['id', 'bytes']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.bytes]));
}

/** One stored file, for operators: the bytes and what they are. */
export async function readMediaFile(db: Kysely<Database>, id: string) {
  return db.selectFrom('media').select(['id', 'bot_id', 'kind', 'mime_type', 'name', 'bytes', 'conversation_id']).where('id', '=', id).executeTakeFirst();
}

/** What was kept of the attachments of some inbound messages, keyed `{platform message id}#{index}`. */
export async function mediaOfMessages(db: Kysely<Database>, args: { botId: string; platform: string; platformMessageIds: string[] }) {
  if (args.platformMessageIds.length === 0) return new Map<string, { id: string; mimeType: string; sizeBytes: number; transcript: string | null }>();
  const rows = await db
    .selectFrom('media')
    .select(['id', 'platform_message_id', 'attachment_index', 'mime_type', 'size_bytes', 'transcript'])
    .where('bot_id', '=', args.botId)
    .where('platform', '=', args.platform)
    .where('platform_message_id', 'in', args.platformMessageIds)
    .execute();
  return new Map(rows.map((r) => [`${r.platform_message_id}#${r.attachment_index}`, { id: r.id, mimeType: r.mime_type, sizeBytes: r.size_bytes, transcript: r.transcript }]));
}
