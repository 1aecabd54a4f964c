import type { BotSettings } from '../src/conversations/bot-settings';
import { findBot } from '../src/db/queries/bots';
import { permanentFailure } from '../src/temporal/failures';
import type { ActivityDeps } from './deps';

export function createBotSettingsActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Read at every turn, so an edited bot applies to running conversations at once. */
    async loadBotSettings(botId: string): Promise<BotSettings> {
      const bot = await findBot(db, botId);
      if (!bot) throw permanentFailure(`Bot ${botId} does not exist`, 'BotNotFound');
      return bot;
    },
  };
}
