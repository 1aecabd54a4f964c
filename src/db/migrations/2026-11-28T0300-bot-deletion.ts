import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A deleted bot keeps its row, because its conversations and messages reference it; it is invisible
  // everywhere else, and its id is never reused.
  await db.schema.alterTable('bots').addColumn('deleted_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bots').dropColumn('deleted_at').execute();
}
