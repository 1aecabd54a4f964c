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
  /**
   * How long the platform shows one typing signal; the turn sends it again a little sooner while
   * the model writes. Absent where a bot cannot show that it is typing.
   */
  typingLastsMs?: number;
}

export const PLATFORM_RULES: Record<Platform, PlatformRules> = {
  // Ours: the page hides "typing…" when no signal renewed it for this long (a worker that died mid-turn).
  webchat: { textLimit: 20_000, minSendIntervalMs: 0, typingLastsMs: 10_000 },
  api: { textLimit: 20_000, minSendIntervalMs: 0 },
  // About one message a second per chat.
  // A chat action shows for 5 s, or until the bot's next message.
  telegram: { textLimit: 4096, minSendIntervalMs: 1_000, typingLastsMs: 5_000 },
  // chat.postMessage allows 40,000 characters but advises about 4,000; about one a second per channel.
  slack: { textLimit: 4000, minSendIntervalMs: 1_000 },
  // Per-route buckets; a quarter second keeps a burst well inside them.
  // Trigger-typing shows for 10 s, or until the bot's next message.
  discord: { textLimit: 2000, minSendIntervalMs: 250, replyToEachMessage: true, typingLastsMs: 10_000 },
  // typing_on shows for 20 s, or until the Page's next message or typing_off.
  messenger: { textLimit: 2000, minSendIntervalMs: 250, typingLastsMs: 20_000 },
  // About one message every six seconds to the same user (the pair rate).
  // The typing indicator shows for 25 s, or until the reply.
  whatsapp: { textLimit: 4096, minSendIntervalMs: 6_000, typingLastsMs: 25_000 },
};
