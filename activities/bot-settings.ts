import type { BotSettings } from '../src/conversations/bot-settings';
import { findBot } from '../src/db/queries/bots';
import { listSubscribedEventTypes } from '../src/db/queries/webhook-subscriptions';
import { permanentFailure } from '../src/temporal/failures';
import type { ActivityDeps } from './deps';

export function createBotSettingsActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /**
     * Read at every turn, so an edited bot applies to running conversations at once. Also says
     * which events anyone subscribes to, so the workflow starts no delivery nobody would receive.
     */
    async loadBotSettings(botId: string): Promise<BotSettings & { subscribedEvents: string[] }> {
      const [bot, subscribedEvents] = await Promise.all([findBot(db, botId), listSubscribedEventTypes(db, botId)]);
      if (!bot) throw permanentFailure(`Bot ${botId} does not exist`, 'BotNotFound');
      return { ...bot, subscribedEvents };
    },
  };
}
