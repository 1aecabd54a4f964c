import type { Platform } from './platform';

export interface Attachment {
  kind: 'image' | 'audio' | 'video' | 'file' | 'sticker' | 'location' | 'contact' | 'other';
  /** The platform's own handle for the media (file id, URL, media id). */
  ref: string;
  mimeType?: string;
  name?: string;
  /** A location or a contact, read as text where it entered (`src/media/readable-attachments.ts`). */
  text?: string;
}

/**
 * One message from a person, normalised from any platform. Every field is JSON-safe because it
 * travels through Temporal: timestamps are ISO strings.
 */
export interface InboundMessage {
  botId: string;
  platform: Platform;
  chatId: string;
  userId: string;
  /**
   * How the platform names the person, where the webhook says (Telegram, WhatsApp, Discord):
   * shown to operators beside their messages, never sent to the model.
   */
  userName?: string;
  /** The platform's dedupe key for this delivery, unique per bot and platform. */
  messageId: string;
  text: string;
  attachments: Attachment[];
  receivedAt: string;
  /** The id of the HTTP request that accepted the message, for following it through the logs. */
  requestId?: string;
  /** A press of a button the bot offered: the choice's id (the text is its title). */
  payload?: string;
  /** A press: the platform's id of the bot's message it was under, which must be one of ours. */
  pressOf?: string;
  /** How the platform names this message in later edits and reactions, when not `messageId` (Telegram: chat and message id). */
  nativeId?: string;
  /** What the platform needs to answer in place: a thread, an interaction token. */
  replyContext?: Record<string, string>;
}

/** `userName` for a message, when the platform gave one: spread into an `InboundMessage`. */
export function withUserName(name: string | null | undefined): Pick<InboundMessage, 'userName'> {
  return name ? { userName: name } : {};
}
