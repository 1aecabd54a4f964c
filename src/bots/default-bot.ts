import type { Config } from '../config';
import type { BotSettings } from '../conversations/bot-settings';
import { BOT_SETTING_DEFAULTS } from './bot-settings-schema';

/** The bot that exists from configuration, so the product answers before anyone creates a bot. */
export function defaultBotSettings(config: Pick<Config, 'defaultBot'>): BotSettings {
  const bot = config.defaultBot;
  return {
    ...BOT_SETTING_DEFAULTS,
    id: bot.id,
    name: bot.name,
    systemPrompt: bot.systemPrompt,
    model: bot.model,
    debounceMs: bot.debounceMs,
    idleTimeoutMs: bot.idleTimeoutMs,
    fallbackReply: bot.fallbackReply,
    handoffTimeoutMs: bot.handoffTimeoutMs,
  };
}
