/**
 * Everything the turn's pipeline reaches outside itself. The activity wires it to the model, the
 * platforms and Postgres (`activities/turn.ts`); unit tests wire it to plain fakes. No Temporal here.
 */
import type { Choice } from '../conversations/choices';
import type { OutboundAttachment } from '../conversations/outbound-attachment';
import type { GeneratedReply, GeneratedSummary, GeneratedUnderstanding, ModerationVerdict, ReplyRequest } from '../model/model-client';
import type { SummaryRequest } from '../model/summary-prompt';
import type { ModelUsage } from '../model/model-usage';
import type { DraftSink } from './draft-stream';
import type { TypingIndicator } from './typing-indicator';
import type { UnderstandingRequest } from '../model/understanding-prompt';
import type { Understanding } from '../understanding/understanding';
import type { DeliveryReceipt, OutboundReply } from '../platforms/platform-adapter';
import type { ReplyKind } from '../conversations/reply-kind';

/** What a failed call means for the next try. */
export type CallFailure =
  | { retry: 'never'; type: string; message: string }
  /** The remote side named its own wait (a 429's Retry-After). */
  | { retry: 'after'; afterMs: number; type: string; message: string }
  | { retry: 'backoff'; type: string; message: string };

/** A reply stored before its first part goes out, with the parts sent so far. */
export interface StoredDraft {
  text: string;
  kind: ReplyKind;
  /** What the model calls that wrote it used and cost. */
  usage: ModelUsage[];
  /** Moderation verdicts that flagged something while it was written. */
  moderationFlags: number;
  /** The files it carries, sent after its text. */
  attachments: OutboundAttachment[];
  /** Buttons under it, on its last text part. */
  choices: Choice[];
  /** Parts sent so far: the text's, then the files'. */
  partsSent: number;
  deliveryIds: string[];
}

export interface TurnIO {
  /** With `onDelta`, the reply streams: each piece of text as the model writes it. */
  generateReply(request: ReplyRequest, onDelta?: (delta: string) => void): Promise<GeneratedReply>;
  summarise(request: SummaryRequest): Promise<GeneratedSummary>;
  /** Stores the conversation's running summary, for the API to show. */
  saveSummary(summary: string): Promise<void>;
  moderate(text: string, provider: 'configured' | 'word-list'): Promise<ModerationVerdict>;
  /** The model's classification; null when no model is configured. */
  understand(request: UnderstandingRequest): Promise<GeneratedUnderstanding | null>;
  /** Stores what was understood on the turn's inbound rows (by platform message id). */
  saveUnderstanding(messageIds: string[], understanding: Understanding): Promise<void>;
  send(part: OutboundReply): Promise<DeliveryReceipt>;
  /** When the person last wrote in this chat (ms since the epoch), in any of its conversations; null if never. */
  lastInboundAt(): Promise<number | null>;
  /** False when no model can be shown images here (the offline responder). */
  seesImages: boolean;
  /** The stored bytes of the turn's images, by media id. */
  mediaBytes(ids: string[]): Promise<Map<string, Buffer>>;
  /** Where the reply is shown while the model writes it; only where a channel can show it (the web chat). */
  draftSink?: DraftSink;
  /** "Typing…" on the platform, from when the model is asked until the reply goes; where the platform can show it. */
  typing?: TypingIndicator;
  classify(error: unknown): CallFailure;
  /** What the tokens cost in US dollars, by the configured price table; null for a model without a price. */
  costOf(model: string, tokens: { prompt: number; completion: number }): number | null;

  /** False once a human has the conversation: the bot's reply must stop. Read from the system of record. */
  botMayReply(): Promise<boolean>;
  /** Set on a retried turn: what an earlier attempt finished. */
  earlierWork(): Promise<{ recorded?: { text: string; kind: ReplyKind; status: 'sent' | 'failed' }; draft?: StoredDraft }>;
  saveDraft(draft: { text: string; kind: ReplyKind; usage: ModelUsage[]; moderationFlags: number; attachments: OutboundAttachment[]; choices: Choice[] }): Promise<StoredDraft>;
  markPartsSent(partsSent: number, deliveryIds: string[]): Promise<void>;
  discardDraft(): Promise<void>;
  /** Stores the reply as sent or failed, and drops its draft. */
  recordReply(reply: {
    text: string;
    kind: ReplyKind;
    status: 'sent' | 'failed';
    deliveryIds: string[];
    usage: ModelUsage[];
    moderationFlags: number;
    attachments: OutboundAttachment[];
    choices: Choice[];
    error?: { type: string; message: string };
  }): Promise<void>;
  /** The conversation's last error, for operators. */
  recordFailure(failure: { type: string; message: string }): Promise<void>;

  now(): number;
  sleep(ms: number): Promise<void>;
  /** Tells the outside how far the turn got (a heartbeat detail in the Web UI). */
  progress(step: string): void;
}
