import type { Kysely, Selectable } from 'kysely';
import type { BotSettings } from '../../conversations/bot-settings';
import type { BotsTable, Database } from '../schema';

export async function findBot(db: Kysely<Database>, botId: string): Promise<BotSettings | undefined> {
  const row = await db.selectFrom('bots').selectAll().where('id', '=', botId).executeTakeFirst();
  return row && toBotSettings(row);
}

/** Creates the bot unless it exists. An existing bot keeps its edits: configuration seeds, it does not overwrite. */
export async function seedBot(db: Kysely<Database>, bot: BotSettings): Promise<void> {
  await db
    .insertInto('bots')
    .values({
      id: bot.id,
      name: bot.name,
      system_prompt: bot.systemPrompt,
      model: bot.model,
      temperature: bot.temperature,
      max_reply_tokens: bot.maxReplyTokens,
      debounce_ms: bot.debounceMs,
      idle_timeout_ms: bot.idleTimeoutMs,
      fallback_reply: bot.fallbackReply,
      handoff_timeout_ms: bot.handoffTimeoutMs,
      moderation_policy: bot.moderationPolicy,
      enabled: bot.enabled,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

function toBotSettings(row: Selectable<BotsTable>): BotSettings {
  return {
    id: row.id,
    name: row.name,
    systemPrompt: row.system_prompt,
    model: row.model,
    temperature: row.temperature,
    maxReplyTokens: row.max_reply_tokens,
    debounceMs: row.debounce_ms,
    // bigint columns arrive as strings from pg.
    idleTimeoutMs: Number(row.idle_timeout_ms),
    fallbackReply: row.fallback_reply,
    handoffTimeoutMs: row.handoff_timeout_ms,
    moderationPolicy: row.moderation_policy,
    enabled: row.enabled,
  };
}
