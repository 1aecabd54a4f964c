import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A bot's tools: what the model reads (name, description, parameters) and how to call them (URL,
  // sealed secret, timeout). Replacing a tool deletes its row and inserts the new one.
  await db.schema
    .createTable('bot_tools')
    .addColumn('bot_id', 'text', (c) => c.notNull().references('bots.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('parameters', 'jsonb', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bot_tools_pkey', ['bot_id', 'name'])
    .execute();
  // How many rounds of tool calls one turn may make before the model must answer without tools.
  await db.schema.alterTable('bots').addColumn('max_tool_steps', 'smallint', (c) => c.notNull().defaultTo(4)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bots').dropColumn('max_tool_steps').execute();
  await db.schema.dropTable('bot_tools').execute();
}
