import type { SummaryRequest } from './summary-prompt';
import type { UnderstandingRequest } from './understanding-prompt';
import type { Understanding } from '../understanding/understanding';
import type { ToolCall, ToolRound, ToolSpec } from '../tools/tool-definition';
import type { HistoryEntry } from '../conversations/history-entry';

export interface ReplyRequest {
  systemPrompt: string;
  model: string;
  temperature: number | null;
  maxReplyTokens: number | null;
  summary: string | null;
  history: HistoryEntry[];
  userText: string;
  /** Tools the model may call this time; none offered when absent or empty. */
  tools?: Array<Pick<ToolSpec, 'name' | 'description' | 'parameters'>>;
  /** The turn's earlier rounds of tool calls and their results, after the person's message. */
  toolRounds?: ToolRound[];
  /** Images that came with the person's message, shown to a model that sees. */
  images?: Array<{ mimeType: string; data: Buffer }>;
}

export interface TranscriptionRequest {
  model: string;
  audio: Buffer;
  mimeType: string;
  /** The file's name; its extension tells the server the format. */
  fileName: string;
}

export interface GeneratedReply {
  text: string;
  model: string;
  tokens: { prompt: number; completion: number } | null;
  /** True when the built-in offline responder wrote the reply, not a model. */
  offline: boolean;
  /** Set when the model asks for tools instead of answering (its `text` may then be empty). */
  toolCalls?: ToolCall[];
}

export interface ModerationVerdict {
  flagged: boolean;
  categories: string[];
  provider: 'openai' | 'word-list';
}

export interface GeneratedSummary {
  text: string;
  tokens: { prompt: number; completion: number } | null;
}

export interface GeneratedUnderstanding {
  understanding: Understanding;
  model: string;
  tokens: { prompt: number; completion: number } | null;
}

/** A source of replies and moderation verdicts: an OpenAI-compatible server, or the offline responder. */
export interface ModelClient {
  readonly description: string;
  /** With `onDelta`, the reply streams: each piece of text is passed on as the model writes it. */
  generateReply(request: ReplyRequest, onDelta?: (delta: string) => void): Promise<GeneratedReply>;
  /** Folds the oldest turns into the running summary (`summary-prompt.ts`). */
  summarise(request: SummaryRequest): Promise<GeneratedSummary>;
  moderate(text: string): Promise<ModerationVerdict>;
  /** Sentiment, intent and language of a message (`understanding-prompt.ts`); null when there is no model to ask. */
  understand(request: UnderstandingRequest): Promise<GeneratedUnderstanding | null>;
  /** What was said in a voice message or audio; null when there is no model to listen. */
  transcribe(request: TranscriptionRequest): Promise<{ text: string; model: string } | null>;
  /** False for the offline responder: it reads no images, whatever the bot's model could. */
  readonly seesImages: boolean;
}
