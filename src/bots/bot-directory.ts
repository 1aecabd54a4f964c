import type { Kysely } from 'kysely';
import type { BotSettings } from '../conversations/bot-settings';
import { findBot } from '../db/queries/bots';
import type { Database } from '../db/schema';

/** Answers "does this bot exist?" for the HTTP layer, even while the database is down. */
export interface BotDirectory {
  /** `undefined` when the bot does not exist; throws `BotDirectoryUnavailableError` when nobody can tell. */
  find(botId: string): Promise<BotSettings | undefined>;
  /** Drops the cached answer, so this process sees a change it just made at once rather than after the TTL. */
  forget(botId: string): void;
}

/** Thrown when the database is unreachable and the bot was never seen before. */
export class BotDirectoryUnavailableError extends Error {
  constructor(readonly botId: string) {
    super(`Cannot look up bot ${botId}: the database is unreachable`);
    this.name = 'BotDirectoryUnavailableError';
  }
}

export interface BotDirectoryOptions {
  db: Kysely<Database>;
  /** Bots known from configuration; used when the database cannot answer. */
  configuredBots: readonly BotSettings[];
  /** How long an answer is reused before asking the database again. Default 5 s. */
  ttlMs?: number;
}

/**
 * A read-through cache over the bots table. When the database is down, the last known answer (or
 * the configured bots) still serves, so webhooks keep being accepted: Temporal holds the messages.
 */
export function createBotDirectory({ db, configuredBots, ttlMs = 5_000 }: BotDirectoryOptions): BotDirectory {
  const cache = new Map<string, { bot: BotSettings | undefined; at: number }>();
  const configured = new Map(configuredBots.map((bot) => [bot.id, bot]));

  return {
    async find(botId) {
      const cached = cache.get(botId);
      if (cached && Date.now() - cached.at < ttlMs) return cached.bot;
      try {
        const bot = await findBot(db, botId);
        cache.set(botId, { bot, at: Date.now() });
        return bot;
      } catch (error) {
        if (cached) return cached.bot;
        const fallback = configured.get(botId);
        if (fallback) return fallback;
        throw new BotDirectoryUnavailableError(botId);
      }
    },
    forget(botId) {
      cache.delete(botId);
    },
  };
}
