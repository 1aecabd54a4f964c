import type { Kysely } from 'kysely';
import type { BotSettings } from '../src/conversations/bot-settings';
import { listBotTools, toToolSpec } from '../src/db/queries/bot-tools';
import { findBot } from '../src/db/queries/bots';
import { listSubscribedEventTypes } from '../src/db/queries/webhook-subscriptions';
import type { Database } from '../src/db/schema';
import { permanentFailure } from '../src/temporal/failures';
import type { ToolSpec } from '../src/tools/tool-definition';
import type { ActivityDeps } from './deps';

/** The bot's settings as a conversation uses them, with its tools and the events anyone subscribed to. */
export type ConversationBot = BotSettings & { subscribedEvents: string[]; tools: ToolSpec[] };

/**
 * The bot, and which events anyone wants (a webhook subscription, or the handoff email), so the
 * workflow starts no delivery nobody would receive; undefined once the bot is deleted.
 */
export async function loadConversationBot(
  { db, handoffMailer }: { db: Kysely<Database>; handoffMailer?: ActivityDeps['handoffMailer'] },
  botId: string,
): Promise<ConversationBot | undefined> {
  const [bot, subscribed, tools] = await Promise.all([findBot(db, botId), listSubscribedEventTypes(db, botId), listBotTools(db, botId)]);
  if (!bot) return undefined;
  const emailed = handoffMailer ? ['handoff.requested'] : [];
  return { ...bot, subscribedEvents: [...new Set([...subscribed, ...emailed])].sort(), tools: tools.map(toToolSpec) };
}

export function createBotSettingsActivities(deps: Pick<ActivityDeps, 'db' | 'handoffMailer'>) {
  return {
    /** Read at every turn by conversations of the first shape, so an edited bot applies at once. */
    async loadBotSettings(botId: string): Promise<ConversationBot> {
      const bot = await loadConversationBot(deps, botId);
      if (!bot) throw permanentFailure(`Bot ${botId} does not exist`, 'BotNotFound');
      return bot;
    },
  };
}
