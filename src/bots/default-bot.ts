import type { Config } from '../config';
import type { BotSettings } from '../conversations/bot-settings';

/** The bot that exists from configuration, so the product answers before anyone creates a bot. */
export function defaultBotSettings(config: Pick<Config, 'defaultBot'>): BotSettings {
  const bot = config.defaultBot;
  return {
    id: bot.id,
    name: bot.name,
    systemPrompt: bot.systemPrompt,
    model: bot.model,
    temperature: null,
    maxReplyTokens: null,
    debounceMs: bot.debounceMs,
    idleTimeoutMs: bot.idleTimeoutMs,
    fallbackReply: bot.fallbackReply,
    handoffTimeoutMs: bot.handoffTimeoutMs,
    handoffPattern: null,
    moderationPolicy: 'block',
    enabled: true,
  };
}
