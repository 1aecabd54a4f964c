import type { BotSettings } from '../src/conversations/bot-settings';
import { findBot } from '../src/db/queries/bots';
import { listSubscribedEventTypes } from '../src/db/queries/webhook-subscriptions';
import { permanentFailure } from '../src/temporal/failures';
import type { ActivityDeps } from './deps';

export function createBotSettingsActivities({ db, handoffMailer }: Pick<ActivityDeps, 'db' | 'handoffMailer'>) {
  return {
    /**
     * Read at every turn, so an edited bot applies to running conversations at once. Also says
     * which events anyone wants (a webhook subscription, or the handoff email), so the workflow
     * starts no delivery nobody would receive.
     */
    async loadBotSettings(botId: string): Promise<BotSettings & { subscribedEvents: string[] }> {
      const [bot, subscribed] = await Promise.all([findBot(db, botId), listSubscribedEventTypes(db, botId)]);
      if (!bot) throw permanentFailure(`Bot ${botId} does not exist`, 'BotNotFound');
      const emailed = handoffMailer ? ['handoff.requested'] : [];
      return { ...bot, subscribedEvents: [...new Set([...subscribed, ...emailed])].sort() };
    },
  };
}
