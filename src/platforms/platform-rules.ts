import type { Platform } from '../conversations/platform';

/**
 * What the send path must respect on each platform, as plain data: the workflow reads it to split
 * replies and to pace them with durable timers, so it must stay free of I/O.
 */
export interface PlatformRules {
  /** The most characters one message may carry. */
  textLimit: number;
  /** The least time between two messages to the same chat. */
  minSendIntervalMs: number;
  /**
   * Every inbound message needs its own reply (a Discord interaction waits on its own token), so
   * messages are never merged into one turn by the debounce window.
   */
  replyToEachMessage?: boolean;
}

export const PLATFORM_RULES: Record<Platform, PlatformRules> = {
  webchat: { textLimit: 20_000, minSendIntervalMs: 0 },
  api: { textLimit: 20_000, minSendIntervalMs: 0 },
  // About one message a second per chat.
  telegram: { textLimit: 4096, minSendIntervalMs: 1_000 },
  // chat.postMessage allows 40,000 characters but advises about 4,000; about one a second per channel.
  slack: { textLimit: 4000, minSendIntervalMs: 1_000 },
  // Per-route buckets; a quarter second keeps a burst well inside them.
  discord: { textLimit: 2000, minSendIntervalMs: 250, replyToEachMessage: true },
  messenger: { textLimit: 2000, minSendIntervalMs: 250 },
  // About one message every six seconds to the same user (the pair rate).
  whatsapp: { textLimit: 4096, minSendIntervalMs: 6_000 },
};
