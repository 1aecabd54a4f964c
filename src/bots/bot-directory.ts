import type { BotSettings } from '../conversations/bot-settings';
import { isBotId } from './bot-id';

/** Answers "does this bot exist?" for the HTTP layer, even while the database is down. */
export interface BotDirectory {
  /** `undefined` when the bot does not exist; throws `BotDirectoryUnavailableError` when nobody can tell. */
  find(botId: string): Promise<BotSettings | undefined>;
  /** Drops the cached answer, so this process sees a change it just made at once rather than after the TTL. */
  forget(botId: string): void;
  /** How many bots the cache holds now; never more than its bound. */
  readonly cachedBots: number;
}

/** Thrown when the database is unreachable and the bot was never seen before. */
export class BotDirectoryUnavailableError extends Error {
  constructor(readonly botId: string) {
    super(`Cannot look up bot ${botId}: the database is unreachable`);
    this.name = 'BotDirectoryUnavailableError';
  }
}

export interface BotDirectoryOptions {
  /** Reads one live bot from the system of record (`findBot` over the database). */
  lookup: (botId: string) => Promise<BotSettings | undefined>;
  /** Bots known from configuration; used when the database cannot answer. */
  configuredBots: readonly BotSettings[];
  /** How long an answer is reused before asking the database again. Default 5 s. */
  ttlMs?: number;
  /** How many bots the cache holds at most; the least recently used goes first. Default 1,000. */
  maxCachedBots?: number;
}

/**
 * A read-through cache over the bots table. When the database is down, the last known answer (or
 * the configured bots) still serves, so webhooks keep being accepted: Temporal holds the messages.
 *
 * Only bots that exist are cached, and at most `maxCachedBots` of them: requests for made-up ids,
 * which anyone can send, cost a database read (bounded by the per-IP limits) and never memory. An
 * id no bot can have is unknown without asking the database at all.
 */
export function createBotDirectory({ lookup, configuredBots, ttlMs = 5_000, maxCachedBots = 1_000 }: BotDirectoryOptions): BotDirectory {
  const cache = new Map<string, { bot: BotSettings; at: number }>();
  const configured = new Map(configuredBots.map((bot) => [bot.id, bot]));

  function remember(bot: BotSettings) {
    cache.delete(bot.id);
    cache.set(bot.id, { bot, at: Date.now() });
    // A Map iterates in insertion order: the first key is the least recently used.
    if (cache.size > maxCachedBots) cache.delete(cache.keys().next().value!);
  }

  return {
    async find(botId) {
      if (!isBotId(botId)) return undefined;
      const cached = cache.get(botId);
      if (cached && Date.now() - cached.at < ttlMs) return cached.bot;
      let bot: BotSettings | undefined;
      try {
        bot = await lookup(botId);
      } catch (error) {
        if (cached) return cached.bot;
        const fallback = configured.get(botId);
        if (fallback) return fallback;
        throw new BotDirectoryUnavailableError(botId);
      }
      if (bot) remember(bot);
      else cache.delete(botId);
      return bot;
    },
    forget(botId) {
      cache.delete(botId);
    },
    get cachedBots() {
      return cache.size;
    },
  };
}
