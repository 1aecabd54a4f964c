import type { ConversationKey } from '../conversations/conversation-key';
import type { Attachment } from '../conversations/inbound-message';
import type { Platform } from '../conversations/platform';
import type { OutboundAttachment } from '../conversations/outbound-attachment';
import type { Choice } from '../conversations/choices';
import type { TemplateMessage } from '../conversations/whatsapp-templates';
import type { DownloadedMedia } from '../media/download';

export interface OutboundReply {
  key: ConversationKey;
  text: string;
  /** Deterministic per reply: platforms that accept an idempotency key get this one. */
  outboundKey: string;
  replyContext?: Record<string, string>;
  /** WhatsApp, outside the 24-hour window: this approved template goes instead of the text. */
  template?: TemplateMessage;
  /** A file, sent with the platform's media API instead of text. */
  attachment?: OutboundAttachment;
  /** Buttons under this part (the reply's last text part). */
  choices?: Choice[];
}

/**
 * That a reply is being written (`start`, sent again while it is), or that none is coming after
 * all (`stop`, where the platform can take the indicator back).
 */
export interface TypingSignal {
  key: ConversationKey;
  state: 'start' | 'stop';
  /** The reply it announces. */
  outboundKey: string;
  replyContext?: Record<string, string>;
  /** The platform id of the message being answered: WhatsApp shows the indicator on it. */
  answering?: string;
}

export interface DeliveryReceipt {
  /** The platform's ids of the parts it accepted, in order; empty for channels we deliver ourselves. */
  platformMessageIds: string[];
}

/**
 * Everything one platform needs on the way out. A send throws a transient error to be retried, a
 * `rateLimitedFailure` to be retried when the platform asked, or a `permanentFailure` to stop.
 */
export interface PlatformAdapter {
  readonly platform: Platform;
  send(reply: OutboundReply): Promise<DeliveryReceipt>;
  /** Downloads what a person sent, with the bot's credentials; absent where nothing can be fetched. */
  fetchMedia?(args: { botId: string; attachment: Attachment; maxBytes: number }): Promise<DownloadedMedia>;
  /**
   * Shows that the bot is typing, for as long as `PLATFORM_RULES[platform].typingLastsMs`; absent
   * where the platform has no such thing. Throws on failure; `abort` ends a slow attempt.
   */
  sendTyping?(typing: TypingSignal, abort: AbortSignal): Promise<void>;
}

export type PlatformAdapters = Partial<Record<Platform, PlatformAdapter>>;
