import type { z } from 'zod';
import type { Attachment, InboundMessage } from '../conversations/inbound-message';
import type { DownloadedMedia } from '../media/download';
import type { MessageChange } from '../conversations/message-change';
import type { DeliveryReceipt, OutboundReply, TypingSignal } from './platform-adapter';
import type { WebhookSetup } from './webhook-setup';

import { MESSAGING_PLATFORMS, type MessagingPlatformName } from '../conversations/platform';

export { MESSAGING_PLATFORMS, type MessagingPlatformName };

export function isMessagingPlatform(value: string): value is MessagingPlatformName {
  return (MESSAGING_PLATFORMS as readonly string[]).includes(value);
}

/** A webhook request as the platform sent it. Signatures are checked over `rawBody`, never a re-encoding. */
export interface WebhookRequest {
  method: string;
  headers: Headers;
  rawBody: Buffer;
  query: URLSearchParams;
}

/** What to answer the platform. JSON when `json` is set, plain text when `text` is. */
export interface WebhookReply {
  status: number;
  json?: unknown;
  text?: string;
}

export type WebhookOutcome =
  /** Messages for the bot, in the order the platform gave them; `reply` overrides the default 200. */
  | {
      kind: 'messages';
      messages: InboundMessage[];
      reply?: WebhookReply;
      /** Presses to acknowledge once Temporal holds them (`acknowledge`): Telegram's callback query ids. */
      acknowledge?: string[];
      /** Edits and reactions that came in the same batch (Meta batches entries), applied after the messages. */
      changes?: MessageChange[];
    }
  /** A handshake or protocol answer (Slack's challenge, Discord's PONG): nothing is accepted. */
  | { kind: 'reply'; reply: WebhookReply }
  /** Edits, deletes and reactions of stored messages: the record changes, nothing is answered. */
  | { kind: 'changes'; changes: MessageChange[] }
  /** A real event that carries no message for the bot (receipts, echoes, changes to messages we never stored). */
  | { kind: 'ignored'; reason: string }
  /** The platform reports that messages we sent failed (WhatsApp `failed` statuses). */
  | { kind: 'delivery-failed'; failures: Array<{ deliveryId: string; type: string; message: string }> };

/** The facts about a platform that configuration and the API documentation are built from. */
export interface PlatformFacts<Credentials> {
  /** The environment variable of each credential, for the default bot's channel. */
  credentialVariables: { [K in keyof Credentials]: string };
  /** Where its API lives, and the variable that moves it (to a fake, in tests). Platforms of one API share a variable. */
  apiBaseUrl: { variable: string; default: string };
  /** The headers its webhooks are signed with, as the platform spells them. */
  signatureHeaders: string[];
  /** Credentials as a person would paste them, shortened: for the API documentation. */
  credentialsExample: Credentials;
}

/**
 * All of one platform's knowledge: its credentials, verifying and reading webhooks, and sending.
 * Sending throws a transient error to be retried, `rateLimitedFailure` to retry when the platform
 * asks, or `permanentFailure` when retrying cannot help.
 */
export interface MessagingPlatform<Credentials = any> {
  readonly platform: MessagingPlatformName;
  readonly credentialsSchema: z.ZodType<Credentials>;
  /** What the rest of the product derives from this platform: configuration, docs, examples. */
  readonly about: PlatformFacts<Credentials>;
  /**
   * Points the platform at the bot's webhook: through the platform's API where it has one, else the
   * settings to paste in its console. Throws `WebhookRegistrationFailed` when the platform refuses.
   */
  setUpWebhook(args: { webhookUrl: string; credentials: Credentials; baseUrl: string }): Promise<WebhookSetup>;
  /** Answers a GET handshake (Meta's hub.challenge). Absent when the platform has none. */
  answerHandshake?(request: WebhookRequest, credentials: Credentials): WebhookReply;
  /** True when the request really comes from the platform. Constant-time comparisons only. */
  verifyRequest(request: WebhookRequest, credentials: Credentials, now: Date): boolean;
  /** Reads a verified webhook whose body parsed as JSON. */
  parseWebhook(args: {
    botId: string;
    request: WebhookRequest;
    body: unknown;
    credentials: Credentials;
    receivedAt: string;
  }): WebhookOutcome;
  /**
   * Downloads an inbound attachment through the platform's authenticated file API, stopping past
   * `maxBytes` (`MediaTooLarge`). Absent when the platform sends no files the bot can fetch.
   */
  fetchMedia?(args: { attachment: Attachment; credentials: Credentials; baseUrl: string; maxBytes: number }): Promise<DownloadedMedia>;
  /** Acknowledges a button press the platform waits on (Telegram's answerCallbackQuery). */
  acknowledge?(args: { token: string; credentials: Credentials; baseUrl: string }): Promise<void>;
  /** Takes button presses at `/webhooks/{platform}/{botId}/interactions` (Slack's Interactivity URL). */
  readonly readsInteractions?: boolean;
  /** Sends one part of a reply (already split to the platform's limit). */
  sendMessage(args: { reply: OutboundReply; credentials: Credentials; baseUrl: string }): Promise<DeliveryReceipt>;
  /**
   * Shows that the bot is typing (see `TypingSignal`). Absent where the platform's API has no way
   * for a bot (Slack). Throws on any failure: the caller logs it and the turn goes on.
   */
  sendTyping?(args: { typing: TypingSignal; credentials: Credentials; baseUrl: string; abort: AbortSignal }): Promise<void>;
}
