import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // How long a handed-off conversation waits for an operator before the bot takes it back.
  await db.schema
    .alterTable('bots')
    .addColumn('handoff_timeout_ms', 'integer', (c) => c.notNull().defaultTo(10 * 60 * 1000))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bots').dropColumn('handoff_timeout_ms').execute();
}
