import type { Intent } from '../understanding/intents';
import type { TemplateSpec } from './whatsapp-templates';

/** What a conversation needs to know about its bot. Read at the start of every turn, so edits apply at once. */
export interface BotSettings {
  id: string;
  name: string;
  systemPrompt: string;
  model: string;
  temperature: number | null;
  maxReplyTokens: number | null;
  /** Messages that arrive within this window of each other become one model turn. */
  debounceMs: number;
  /** The conversation ends after this long without a message. */
  idleTimeoutMs: number;
  fallbackReply: string;
  /** A handed-off conversation with no operator message for this long returns to the bot. */
  handoffTimeoutMs: number;
  /** The bot's own rule for "the user asks for a human" (a case-insensitive regular expression); null: the built-in one. */
  handoffPattern: string | null;
  moderationPolicy: 'off' | 'flag' | 'block';
  /** The most tokens of the bot's model a prompt may take; past it the oldest turns fold into a summary. */
  contextTokenBudget: number;
  /** What people may want of this bot, and what it does then; the built-in `human` intent is added unless defined here. */
  intents: Intent[];
  /** Rounds of tool calls one turn may make before the model must answer without tools. */
  maxToolSteps: number;
  /** Whether the model is shown images; null: decided by the model's name (`src/model/model-capabilities.ts`). */
  vision: boolean | null;
  /** The model that turns voice messages and audio into text. */
  transcriptionModel: string;
  /** Whether the model may answer with buttons (the built-in `offer_choices` tool). */
  offerChoices: boolean;
  /** Approved WhatsApp templates: what may be sent outside the 24-hour window. */
  whatsappTemplates: TemplateSpec[];
  enabled: boolean;
}
