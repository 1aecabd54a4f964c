/**
 * What the workflow hands the turn's pipeline, and what the pipeline hands back. Plain data: the
 * workflow imports these types, and the Temporal Web UI shows both as the `runTurn` activity's
 * input and result, so an operator reads each step's outcome there.
 */
import type { BotSettings } from '../conversations/bot-settings';
import type { ConversationKey } from '../conversations/conversation-key';
import type { HistoryEntry } from '../conversations/history-entry';
import type { ReplyKind } from '../conversations/reply-kind';
import type { ModelUsage } from '../model/model-usage';
import type { ToolCall, ToolRound, ToolSpec } from '../tools/tool-definition';
import type { Sentiment, Understanding } from '../understanding/understanding';
import type { MediaNote } from '../conversations/media-note';
import type { OutboundAttachment } from '../conversations/outbound-attachment';
import type { TemplateMessage } from '../conversations/whatsapp-templates';

/** The bot's settings the pipeline reads: how to understand, write, moderate and fall back. */
export type ReplySettings = Pick<
  BotSettings,
  | 'systemPrompt'
  | 'model'
  | 'temperature'
  | 'maxReplyTokens'
  | 'moderationPolicy'
  | 'fallbackReply'
  | 'contextTokenBudget'
  | 'intents'
  | 'handoffPattern'
  | 'maxToolSteps'
  | 'vision'
  | 'offerChoices'
> & { tools: ToolSpec[] };

/** What the turn's earlier runs did before the model asked for tools: the next run goes on from there. */
export interface CarriedWriting {
  understanding?: Understanding;
  memory?: { summary: string | null; folded: number };
  usage: ModelUsage[];
  flagged: Array<{ categories: string[] }>;
}

/** What the model is asked to answer. */
export interface ReplyBrief {
  /** The platform ids of the turn's messages: what the pipeline understood is stored on their rows. */
  messageIds: string[];
  userText: string;
  /** The language the person last wrote in, for a message too short to tell; null before any. */
  language: string | null;
  history: HistoryEntry[];
  summary: string | null;
  bot: ReplySettings;
  /** The rounds of tool calls this turn made so far, with their results (`callTool` activities). */
  toolRounds?: ToolRound[];
  /** Set when the turn goes on after its tool calls: what was understood and spent before them. */
  carried?: CarriedWriting;
  /** What came with the messages besides text (`readMedia`), and whether they say anything in words. */
  media?: { notes: MediaNote[]; hasWords: boolean };
}

export interface TurnInput {
  key: ConversationKey;
  conversationId: string;
  /** Deterministic per turn: the dedupe key of every part sent and of the stored reply. */
  outboundKey: string;
  /** Where on the platform the reply goes (a thread, an interaction). */
  replyContext?: Record<string, string>;
  author: 'bot' | 'agent';
  /** Either the model writes the reply, or it is said as given (a notice, an operator's message). */
  reply: { write: ReplyBrief } | { say: { text: string; kind: ReplyKind } };
  /** Files an operator's message carries, sent after its text. */
  attachments?: OutboundAttachment[];
  /** WhatsApp: sent instead of the text when the person's 24-hour window has closed (a proactive or an operator's message). */
  whatsappTemplate?: TemplateMessage;
  /** When the last message went to this chat (ms since the epoch), for pacing. */
  lastSentAt: number | null;
  requestIds?: string[];
}

/** One line of the turn's record, in the order the steps ran. */
export type TurnStep =
  | { step: 'resume'; from: string }
  | { step: 'moderate'; of: 'inbound' | 'reply'; flagged: boolean; categories: string[]; provider: string; degraded?: string }
  | {
      step: 'understand';
      sentiment: Sentiment;
      intent: string;
      confidence: number;
      language: string;
      decidedBy: Understanding['decidedBy'];
      tokens?: { prompt: number; completion: number };
      note?: string;
      degraded?: string;
    }
  /** What the model is shown of the media, or the notice that tells the person it cannot read them. */
  | { step: 'media'; images: number; unreadable: boolean; notice?: string }
  /** The intent's action answered, not the model. */
  | { step: 'act'; intent: string; action: 'handoff' | 'reply' }
  /** The model asked for tools: the workflow calls each as its own activity, then the turn goes on. */
  | { step: 'tools'; round: number; calls: string[]; tokens?: { prompt: number; completion: number } }
  | {
      step: 'write';
      outcome: 'reply' | 'fallback' | 'refusal';
      model?: string;
      tokens?: { prompt: number; completion: number };
      attempts: number;
      error?: string;
    }
  | { step: 'remember'; folded: number; promptTokens: number; budget: number; tokens?: { prompt: number; completion: number }; degraded?: string }
  | { step: 'send'; part: string; platformMessageIds: string[] }
  | { step: 'wait'; ms: number; why: string }
  | { step: 'suppress'; why: string; partsSent: number }
  | { step: 'fail'; type: string; message: string };

export interface TurnReport {
  /**
   * 'suppressed': a human took over before every part was out; 'failed': the platform refused for
   * good; 'tools': the model asked for `toolCalls`, nothing was sent, and `carried` goes on.
   */
  outcome: 'sent' | 'suppressed' | 'failed' | 'tools';
  reply: { text: string; kind: ReplyKind };
  steps: TurnStep[];
  /** What the turn's model calls used and cost, step by step (empty when it resumed or said a fixed text). */
  usage: ModelUsage[];
  /** Moderation verdicts that flagged something, for the `message.flagged` notification. */
  flagged: Array<{ categories: string[] }>;
  partsSent: number;
  toolCalls?: ToolCall[];
  carried?: CarriedWriting;
  /** What the pipeline understood of the person's message; absent when the turn wrote nothing (a notice) or resumed. */
  understanding?: Understanding;
  /** The person asked for a human: the workflow hands the conversation over. */
  handoff?: boolean;
  /** Set when the oldest turns folded into the summary: the workflow drops them from its history. */
  memory?: { summary: string | null; folded: number };
  /** When the last part went out; unchanged when none did. */
  lastSentAt: number | null;
  failure?: { type: string; message: string };
}

