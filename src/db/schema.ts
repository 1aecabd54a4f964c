import type { Choice } from '../conversations/choices';
import type { PreviousText, Reaction } from '../conversations/message-change';
import type { OutboundAttachment } from '../conversations/outbound-attachment';
import type { TemplateSpec } from '../conversations/whatsapp-templates';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { ModelUsage } from '../model/model-usage';
import type { Intent } from '../understanding/intents';
import type { Sentiment, Understanding } from '../understanding/understanding';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface BotsTable {
  id: string;
  name: string;
  system_prompt: string;
  model: string;
  temperature: number | null;
  max_reply_tokens: number | null;
  debounce_ms: number;
  idle_timeout_ms: number;
  fallback_reply: string;
  handoff_timeout_ms: number;
  handoff_pattern: string | null;
  context_token_budget: Generated<number>;
  intents: ColumnType<Intent[], string | undefined, string>;
  max_tool_steps: Generated<number>;
  vision: Generated<boolean | null>;
  transcription_model: Generated<string>;
  offer_choices: Generated<boolean>;
  whatsapp_templates: ColumnType<TemplateSpec[], string | undefined, string>;
  moderation_policy: 'off' | 'flag' | 'block';
  enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set when the bot is deleted: the row stays for its conversations, but the bot is gone. */
  deleted_at: Timestamp | null;
}

export interface ConversationsTable {
  id: Generated<string>;
  bot_id: string;
  platform: string;
  chat_id: string;
  conversation_key: string;
  workflow_id: string;
  first_run_id: string;
  status: Generated<'active' | 'handoff' | 'ended'>;
  started_at: Timestamp;
  last_message_at: Timestamp | null;
  /** The latest name a person's message came with (`messages.user_name`). */
  person_name: string | null;
  ended_at: Timestamp | null;
  end_reason: string | null;
  last_error: JSONColumnType<{ type: string; message: string; at: string }> | null;
  handoff_count: Generated<number>;
  /** The running summary of the turns that no longer fit the bot's token budget. */
  summary: string | null;
  /** The operator who took it in the console: their key's id and name. */
  assigned_to: string | null;
  assigned_name: string | null;
  /** When it was last handed to a human: it waits for one from then until an operator writes. */
  handoff_at: Timestamp | null;
}

export interface MessagesTable {
  id: Generated<string>;
  /** Insertion order across the whole table: the cursor for event streams. */
  seq: Generated<string>;
  conversation_id: string;
  bot_id: string;
  platform: string;
  direction: 'inbound' | 'outbound';
  author: 'user' | 'bot' | 'agent';
  /** The platform's dedupe key; inbound messages only. */
  platform_message_id: string | null;
  /** Deterministic key of a reply; outbound messages only. */
  outbound_key: string | null;
  user_id: string | null;
  /** How the platform names the person (inbound only, where the webhook says). */
  user_name: string | null;
  text: string;
  attachments: ColumnType<unknown[], string | undefined, string>;
  kind: 'message' | 'reply' | 'fallback' | 'refusal' | 'notice';
  status: Generated<'received' | 'sent' | 'failed'>;
  error: JSONColumnType<{ type: string; message: string }> | null;
  delivery_ids: ColumnType<string[], string | undefined, string>;
  model_tokens: number | null;
  /**
   * A bot reply's wait: from the newest user message before it in the conversation to the reply's
   * storage. Set when the reply is stored; null for other messages and for a reply with nothing before it.
   */
  reply_wait_ms: number | null;
  /** Moderation verdicts that flagged something in the turn this reply answers; 0 for other messages. */
  moderation_flags: Generated<number>;
  /** What the turn's pipeline understood of an inbound message (`src/understanding/`); null until a turn took it. */
  sentiment: Sentiment | null;
  sentiment_score: number | null;
  intent: string | null;
  intent_confidence: number | null;
  language: string | null;
  understood_by: Understanding['decidedBy'] | null;
  /** A reply's model calls: totals over its turn's steps (null for messages no model wrote), and each step. */
  prompt_tokens: number | null;
  completion_tokens: number | null;
  /** numeric: pg returns it as a string. */
  cost_usd: ColumnType<string | null, number | null | undefined, number | null>;
  usage: ColumnType<ModelUsage[], string | undefined, string>;
  /** How the platform names an inbound message in its edits and reactions. */
  native_id: string | null;
  previous_texts: ColumnType<PreviousText[], string | undefined, string>;
  edited_at: Date | null;
  deleted_at: Date | null;
  reactions: ColumnType<Reaction[], string | undefined, string>;
  /** A reply's buttons; a person's press carries the pressed one's id in `payload`. */
  choices: ColumnType<Choice[], string | undefined, string>;
  payload: string | null;
  created_at: Timestamp;
}

export interface BotChannelsTable {
  bot_id: string;
  platform: string;
  sealed_credentials: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  /** The bots this key may see and act on; null: every bot. */
  bot_ids: ColumnType<string[] | null, string | null | undefined, string | null>;
  id: Generated<string>;
  name: string;
  role: 'admin' | 'operator' | 'viewer';
  key_hash: string;
  key_prefix: string;
  created_by: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  actor: string;
  action: string;
  status: number;
  request_id: string | null;
  created_at: Timestamp;
}

export interface WebhookSubscriptionsTable {
  id: Generated<string>;
  url: string;
  events: ColumnType<string[], string, string>;
  bot_id: string | null;
  sealed_secret: string;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface NotificationDeliveriesTable {
  event_id: string;
  subscription_id: string;
  delivered_at: Timestamp;
}

/** A reply being delivered: see the `reply-drafts` migration. */
export interface ReplyDraftsTable {
  conversation_id: string;
  outbound_key: string;
  text: string;
  kind: 'reply' | 'fallback' | 'refusal' | 'notice';
  model_tokens: number | null;
  parts_sent: Generated<number>;
  delivery_ids: ColumnType<string[], string | undefined, string>;
  moderation_flags: Generated<number>;
  usage: ColumnType<ModelUsage[], string | undefined, string>;
  attachments: ColumnType<OutboundAttachment[], string | undefined, string>;
  choices: ColumnType<Choice[], string | undefined, string>;
  created_at: Timestamp;
}

export interface BotToolsTable {
  bot_id: string;
  name: string;
  description: string;
  parameters: ColumnType<Record<string, unknown>, string, string>;
  url: string;
  sealed_secret: string;
  timeout_ms: number;
  created_at: Timestamp;
}

/** One attachment of an inbound message, downloaded (`src/media/`). */
export interface MediaTable {
  id: Generated<string>;
  bot_id: string;
  platform: string;
  platform_message_id: string;
  attachment_index: number;
  conversation_id: string;
  kind: string;
  mime_type: string;
  name: string | null;
  size_bytes: number;
  bytes: Buffer;
  transcript: string | null;
  transcribed_by: string | null;
  created_at: Generated<Date>;
}

/** Request counts of the rate limits, per limit and key and window. */
export interface RateLimitWindowsTable {
  key: string;
  /** ms since the epoch; pg returns bigint as a string. */
  window_start: ColumnType<string, number, number>;
  hits: number;
}

/** A console sign-in; the cookie holds the token, the table its hash. */
export interface ConsoleSessionsTable {
  token_hash: string;
  key_id: string;
  name: string;
  role: 'admin' | 'operator' | 'viewer';
  bot_ids: ColumnType<string[] | null, string | null, string | null>;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
}

/** A bot's ready-made replies, inserted by operators in the console. */
export interface CannedResponsesTable {
  id: Generated<string>;
  bot_id: string;
  title: string;
  text: string;
  created_at: Timestamp;
}

/** Operators' private notes on a conversation; never sent. */
export interface ConversationNotesTable {
  id: Generated<string>;
  conversation_id: string;
  author: string;
  text: string;
  created_at: Timestamp;
}

export interface Database {
  bots: BotsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  bot_channels: BotChannelsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  notification_deliveries: NotificationDeliveriesTable;
  reply_drafts: ReplyDraftsTable;
  bot_tools: BotToolsTable;
  media: MediaTable;
  rate_limit_windows: RateLimitWindowsTable;
  console_sessions: ConsoleSessionsTable;
  canned_responses: CannedResponsesTable;
  conversation_notes: ConversationNotesTable;
}
