import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The WhatsApp templates a bot may send outside the 24-hour window, as approved in WhatsApp Manager.
  await db.schema.alterTable('bots').addColumn('whatsapp_templates', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
  // Proactive messages are found again by their outbound key (`proactive:{client key}`), per bot.
  await db.schema.createIndex('messages_bot_outbound_key_idx').on('messages').columns(['bot_id', 'outbound_key']).where(sql.ref('outbound_key'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_bot_outbound_key_idx').execute();
  await db.schema.alterTable('bots').dropColumn('whatsapp_templates').execute();
}
