import type { Context } from 'hono';
import type { AppEnv } from './app-env';
import { AppError } from './app-error';

/**
 * What a key limited to some bots may see: those bots and their conversations, messages, files and
 * figures, and nothing of any other, not even that it exists (404, as for a bot that does not).
 */
export function botInScope(c: Context<AppEnv>, botId: string): boolean {
  const bots = c.get('actor')?.bots;
  return !bots || bots.includes(botId);
}

/** The bots this request may see; undefined: every bot. */
export function scopedBots(c: Context<AppEnv>): string[] | undefined {
  return c.get('actor')?.bots;
}

/** 404 for a bot outside the key's scope, worded as for a bot that does not exist. */
export function requireBotInScope(c: Context<AppEnv>, botId: string, what = `No bot with id "${botId}".`): void {
  if (!botInScope(c, botId)) throw new AppError('not_found', what);
}
