import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The media people send: the bytes as the platform served them, what they are, and what was read
  // from them. One row per attachment of an inbound message, found again by the message's platform
  // id and the attachment's place in it, so a retried download stores nothing twice.
  await db.schema
    .createTable('media')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('bot_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('platform_message_id', 'text', (c) => c.notNull())
    .addColumn('attachment_index', 'smallint', (c) => c.notNull())
    .addColumn('conversation_id', 'uuid', (c) => c.notNull().references('conversations.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    // Voice and audio: what the transcription model heard, and which model.
    .addColumn('transcript', 'text')
    .addColumn('transcribed_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('media_attachment_key', ['bot_id', 'platform', 'platform_message_id', 'attachment_index'])
    .execute();
  await db.schema.createIndex('media_conversation_idx').on('media').column('conversation_id').execute();
  // null: the model is shown images when its name says it sees them.
  await db.schema.alterTable('bots').addColumn('vision', 'boolean').execute();
  await db.schema.alterTable('bots').addColumn('transcription_model', 'text', (c) => c.notNull().defaultTo('whisper-1')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bots').dropColumn('transcription_model').execute();
  await db.schema.alterTable('bots').dropColumn('vision').execute();
  await db.schema.dropTable('media').execute();
}
