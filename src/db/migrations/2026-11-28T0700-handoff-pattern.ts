import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A bot's own rule (a case-insensitive regular expression) for "the user asks for a human".
  await db.schema.alterTable('bots').addColumn('handoff_pattern', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bots').dropColumn('handoff_pattern').execute();
}
