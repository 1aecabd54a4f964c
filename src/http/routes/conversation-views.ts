import { z } from '@hono/zod-openapi';
import { PLATFORMS } from '../../conversations/platform';
import type { ConversationRow } from '../../db/queries/conversations';
import type { MessageRow } from '../../db/queries/messages';

/** How a conversation and its messages look on the API: the OpenAPI schemas, and the rows mapped onto them. */

export const CONVERSATION_EXAMPLE = {
  id: '5b0c2a52-8f1e-4d6b-9a3c-2f1e0d9c8b7a',
  botId: 'support',
  platform: 'telegram',
  chatId: '42',
  personName: 'Maria Lopez',
  status: 'active',
  workflowId: 'conversation:support:telegram:42',
  firstRunId: '0197a3c1-2b4d-7e8f-9a0b-1c2d3e4f5a6b',
  startedAt: '2025-06-01T10:00:00.000Z',
  lastMessageAt: '2025-06-01T10:02:13.000Z',
  endedAt: null,
  endReason: null,
  lastError: null,
  summary: null,
} as const;

export const ConversationSchema = z
  .object({
    id: z.string().openapi({ format: 'uuid' }),
    botId: z.string(),
    platform: z.string().openapi({ description: `One of: ${PLATFORMS.join(', ')}.` }),
    chatId: z.string(),
    personName: z.string().nullable().openapi({ description: "The latest name the person's messages came with, where the platform sends one (Telegram, WhatsApp, Discord)." }),
    status: z.enum(['active', 'handoff', 'ended']),
    workflowId: z.string().openapi({ description: 'Find the conversation in the Temporal Web UI by this.' }),
    firstRunId: z.string(),
    startedAt: z.string().openapi({ format: 'date-time' }),
    lastMessageAt: z.string().nullable().openapi({ format: 'date-time' }),
    endedAt: z.string().nullable().openapi({ format: 'date-time' }),
    endReason: z.string().nullable(),
    lastError: z
      .object({ type: z.string(), message: z.string(), at: z.string() })
      .nullable()
      .openapi({ description: 'The last permanent failure, such as a reply the platform refused.' }),
    summary: z
      .string()
      .nullable()
      .openapi({ description: "The running summary of the turns that no longer fit the bot's contextTokenBudget, written by the model; null until the first fold." }),
  })
  .openapi('Conversation', { example: CONVERSATION_EXAMPLE });
export type Conversation = z.infer<typeof ConversationSchema>;

const UsageTotalsSchema = z
  .object({
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    costUsd: z.number().nullable().openapi({ description: 'US dollars, by the price table (`MODEL_PRICES` over the defaults); null when no model used had a price.' }),
  })
  .openapi('UsageTotals', { example: { promptTokens: 5120, completionTokens: 860, costUsd: 0.001284 } });

/** One conversation, with what its model calls used and cost. */
export const ConversationDetailSchema = ConversationSchema.extend({
  usage: UsageTotalsSchema.openapi({ description: "Tokens and cost of every model call in the conversation's turns: classifying, summarising, replying." }),
}).openapi('ConversationDetail', { example: { ...CONVERSATION_EXAMPLE, usage: { promptTokens: 5120, completionTokens: 860, costUsd: 0.001284 } } });

const StepUsageSchema = z.object({
  step: z.enum(['understand', 'summarise', 'reply', 'tool']),
  model: z.string(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: z.number().nullable(),
});

export const MESSAGE_EXAMPLE = {
  id: '9d2e4f60-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  seq: '42',
  direction: 'outbound',
  author: 'bot',
  userName: null,
  text: 'Your order ships tomorrow.',
  attachments: [],
  kind: 'reply',
  status: 'sent',
  platformMessageId: null,
  error: null,
  understanding: null,
  editedAt: null,
  previousTexts: [],
  deleted: false,
  reactions: [],
  usage: {
    promptTokens: 412,
    completionTokens: 31,
    costUsd: 0.0000804,
    steps: [
      { step: 'understand', model: 'gpt-4o-mini-2024-07-18', promptTokens: 198, completionTokens: 24, costUsd: 0.0000441 },
      { step: 'reply', model: 'gpt-4o-mini-2024-07-18', promptTokens: 214, completionTokens: 7, costUsd: 0.0000363 },
    ],
  },
  createdAt: '2025-06-01T10:00:02.000Z',
} as const;

const UnderstandingSchema = z
  .object({
    sentiment: z.enum(['negative', 'neutral', 'positive']),
    sentimentScore: z.number().openapi({ description: 'From -1 (most negative) to 1 (most positive).' }),
    intent: z.string().openapi({ description: "One of the bot's intents (`human` is built in), or `other`." }),
    intentConfidence: z.number().openapi({ description: 'From 0 to 1.' }),
    language: z.string().openapi({ description: 'BCP-47 primary language tag; `und` when it could not be told.' }),
    decidedBy: z.enum(['model', 'local']).openapi({ description: "The model's classification, or the local packages (no model, or the model failed)." }),
  })
  .openapi('Understanding', {
    example: { sentiment: 'negative', sentimentScore: -0.6, intent: 'human', intentConfidence: 0.93, language: 'es', decidedBy: 'model' },
  });

const AttachmentSchema = z
  .object({
    kind: z.enum(['image', 'audio', 'video', 'file', 'sticker', 'location', 'contact', 'other']),
    ref: z.string().optional().openapi({ description: "A person's file: the platform's own handle (a file id, a media id, a URL)." }),
    mimeType: z.string().optional(),
    name: z.string().optional(),
    text: z.string().optional().openapi({ description: 'A location or a contact, as text.' }),
    url: z.string().optional().openapi({
      description: "A person's file: where the downloaded copy is served, to the same API key (`GET /v1/media/{id}`), absent when none was kept (too large, refused, unavailable). A file a reply carried: its own HTTPS URL.",
    }),
    sizeBytes: z.number().int().optional(),
    transcript: z.string().optional().openapi({ description: 'What was said in a voice message or audio.' }),
  })
  .openapi('Attachment');

/** What was kept of one attachment, for its view. */
export interface KeptMedia {
  id: string;
  sizeBytes: number;
  transcript: string | null;
}

export const MessageSchema = z
  .object({
    id: z.string().openapi({ format: 'uuid' }),
    seq: z.string().openapi({ description: 'Order across all messages.' }),
    direction: z.enum(['inbound', 'outbound']),
    author: z.enum(['user', 'bot', 'agent']),
    userName: z.string().nullable().openapi({ description: "How the platform named the person who wrote it, where it sends a name (Telegram, WhatsApp, Discord); null for the bot's and operators' messages." }),
    text: z.string(),
    attachments: z.array(AttachmentSchema),
    kind: z.enum(['message', 'reply', 'fallback', 'refusal', 'notice']),
    status: z.enum(['received', 'sent', 'failed']),
    platformMessageId: z.string().nullable().openapi({ description: 'The platform\'s id of an inbound message.' }),
    error: z.object({ type: z.string(), message: z.string() }).nullable().openapi({ description: 'Why a reply failed to send.' }),
    understanding: UnderstandingSchema.nullable().openapi({
      description: "What the bot's pipeline understood of a person's message: sentiment, intent and language. Null for the bot's and operators' messages, and for messages no turn took (during a handoff).",
    }),
    editedAt: z.string().nullable().openapi({ format: 'date-time', description: 'When the person last edited it; `previousTexts` holds what it said before.' }),
    previousTexts: z
      .array(z.object({ text: z.string(), replacedAt: z.string() }))
      .optional()
      .openapi({ description: 'Earlier versions of an edited message, oldest first. For operators and admins: absent for viewer keys.' }),
    deleted: z.boolean().openapi({ description: 'The person deleted it: its text, earlier versions and files were erased.' }),
    reactions: z.array(z.object({ userId: z.string(), emoji: z.string() })).openapi({ description: 'Reactions to it, by whom.' }),
    usage: UsageTotalsSchema.extend({ steps: z.array(StepUsageSchema) })
      .nullable()
      .openapi({ description: "A bot reply's model calls, in total and step by step; null for messages no model wrote." }),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Message', { example: MESSAGE_EXAMPLE });
export type Message = z.infer<typeof MessageSchema>;

export function toConversationView(row: ConversationRow): Conversation {
  return {
    id: row.id,
    botId: row.bot_id,
    platform: row.platform,
    chatId: row.chat_id,
    personName: row.person_name,
    status: row.status,
    workflowId: row.workflow_id,
    firstRunId: row.first_run_id,
    startedAt: row.started_at.toISOString(),
    lastMessageAt: row.last_message_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    endReason: row.end_reason,
    lastError: row.last_error,
    summary: row.summary,
  };
}

/** A message as the API shows it; `media` holds what was downloaded of inbound attachments, keyed `{platform message id}#{index}`. */
export function toMessageView(row: MessageRow, media: ReadonlyMap<string, KeptMedia> = new Map()): Message {
  const attachments = (row.attachments as Array<z.infer<typeof AttachmentSchema>>).map((attachment, index) => {
    const kept = media.get(`${row.platform_message_id}#${index}`);
    if (!kept) return attachment;
    return { ...attachment, url: `/v1/media/${kept.id}`, sizeBytes: kept.sizeBytes, ...(kept.transcript !== null && { transcript: kept.transcript }) };
  });
  return {
    id: row.id,
    seq: row.seq,
    direction: row.direction,
    author: row.author,
    userName: row.user_name,
    text: row.text,
    attachments,
    kind: row.kind,
    status: row.status,
    platformMessageId: row.platform_message_id,
    error: row.error,
    understanding: understandingOf(row),
    editedAt: row.edited_at?.toISOString() ?? null,
    previousTexts: row.previous_texts,
    deleted: row.deleted_at !== null,
    reactions: row.reactions,
    usage:
      row.prompt_tokens === null
        ? null
        : {
            promptTokens: row.prompt_tokens,
            completionTokens: row.completion_tokens ?? 0,
            costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
            steps: row.usage,
          },
    createdAt: row.created_at.toISOString(),
  };
}

/** A message as a viewer key reads it: without the versions the person replaced by editing. */
export function withoutPreviousTexts(message: Message): Message {
  const { previousTexts: _replaced, ...rest } = message;
  return rest;
}

function understandingOf(row: MessageRow): Message['understanding'] {
  if (row.sentiment === null || row.understood_by === null) return null;
  return {
    sentiment: row.sentiment,
    sentimentScore: row.sentiment_score ?? 0,
    intent: row.intent ?? 'other',
    intentConfidence: row.intent_confidence ?? 0,
    language: row.language ?? 'und',
    decidedBy: row.understood_by,
  };
}
