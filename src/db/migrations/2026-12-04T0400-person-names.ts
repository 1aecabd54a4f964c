import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // How the platform names the person who wrote a message, where its webhook says (Telegram,
  // WhatsApp, Discord), and the latest such name on the conversation: for operators to read.
  await db.schema.alterTable('messages').addColumn('user_name', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('person_name', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('person_name').execute();
  await db.schema.alterTable('messages').dropColumn('user_name').execute();
}
