import { scopedBots } from '../bot-scope';
import { endConversation, releaseConversation, requireConversation, sendAgentMessage, takeOverConversation } from '../operator-actions';
import { isFetchableUrl, MAX_OUTBOUND_ATTACHMENTS } from '../../conversations/outbound-attachment';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { BotIdSchema } from '../../bots/bot-id';
import { PLATFORMS } from '../../conversations/platform';
import { MAX_INBOUND_TEXT_LENGTH, normaliseText } from '../../conversations/normalise-inbound';
import { listConversations } from '../../db/queries/conversations';
import { listMessages, sumConversationUsage } from '../../db/queries/messages';
import { mediaOfMessages } from '../../db/queries/media';
import type { Database } from '../../db/schema';
import { roleAllows } from '../../auth/roles';
import type { AppEnv } from '../app-env';
import { decodeCursor, encodeCursor } from '../cursor';
import { readJsonBody, readQuery } from '../json-body';
import { errorResponses } from '../openapi/error-responses';
import { dataOf, pageOf } from '../openapi/page';
import { UuidParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';
import { CONVERSATION_EXAMPLE, ConversationDetailSchema, ConversationSchema, MESSAGE_EXAMPLE, MessageSchema, toConversationView, toMessageView, withoutPreviousTexts } from './conversation-views';

const ListQuerySchema = z.object({
  botId: BotIdSchema.optional(),
  platform: z.enum(PLATFORMS).optional(),
  status: z.enum(['active', 'handoff', 'ended']).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const MessagesQuerySchema = z.object({
  cursor: z.string().regex(/^\d+$/, 'use nextCursor from the previous page').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const CursorSchema = z.object({ startedAt: z.string(), id: z.uuid() });

const OutboundAttachmentSchema = z.object({
  kind: z.enum(['image', 'file']),
  url: z.string().refine(isFetchableUrl, 'must be an https:// URL the platform can fetch'),
  name: z.string().trim().min(1).max(200).optional(),
});

const AgentMessageSchema = z
  .object({
    text: z.string().max(MAX_INBOUND_TEXT_LENGTH).default(''),
    /** Images or documents by HTTPS URL, sent after the text with the platform's media API (a link where it refuses). */
    attachments: z.array(OutboundAttachmentSchema).max(MAX_OUTBOUND_ATTACHMENTS).default([]),
    /** Send the same id again to retry without sending twice. */
    messageId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).optional(),
  })
  .refine((body) => normaliseText(body.text).trim().length > 0 || body.attachments.length > 0, { message: 'send text, attachments, or both', path: ['text'] });

const StatusChangeSchema = z.object({ data: z.object({ id: z.string(), status: z.enum(['active', 'handoff', 'ended']) }) });

const CONFLICT = 'The conversation has ended, or refused the action in its state.';

const listConversationsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['conversations'],
  summary: 'List conversations',
  description: 'Newest first, a page at a time.',
  request: { query: ListQuerySchema },
  responses: {
    200: {
      description: 'A page of conversations.',
      content: {
        'application/json': {
          schema: pageOf(ConversationSchema),
          example: { data: [CONVERSATION_EXAMPLE], nextCursor: 'eyJzdGFydGVkQXQiOiIyMDI1LTA2LTAxVDEwOjAwOjAwLjAwMFoiLCJpZCI6IjViMGMuLi4ifQ' },
        },
      },
    },
    ...errorResponses({ 400: 'An invalid filter, `limit` or `cursor`.' }),
  },
});

const getConversationRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['conversations'],
  summary: 'Read a conversation',
  request: { params: UuidParamsSchema },
  responses: {
    200: { description: 'The conversation.', content: { 'application/json': { schema: dataOf(ConversationDetailSchema) } } },
    ...errorResponses({ 404: 'No conversation with this id.' }),
  },
});

const listMessagesRoute = createRoute({
  method: 'get',
  path: '/{id}/messages',
  tags: ['conversations'],
  summary: 'Read a conversation\'s messages',
  description: 'In order, a page at a time.',
  request: { params: UuidParamsSchema, query: MessagesQuerySchema },
  responses: {
    200: {
      description: 'A page of messages.',
      content: { 'application/json': { schema: pageOf(MessageSchema), example: { data: [MESSAGE_EXAMPLE], nextCursor: '42' } } },
    },
    ...errorResponses({ 400: 'An invalid `limit` or `cursor`.', 404: 'No conversation with this id.' }),
  },
});

const handoffRoute = createRoute({
  method: 'post',
  path: '/{id}/handoff',
  tags: ['conversations'],
  summary: 'A human takes the conversation over',
  description: 'The bot stops answering until the conversation is released.',
  request: { params: UuidParamsSchema },
  responses: {
    200: { description: 'Taken over.', content: { 'application/json': { schema: StatusChangeSchema, example: { data: { id: CONVERSATION_EXAMPLE.id, status: 'handoff' } } } } },
    ...errorResponses({ 404: 'No conversation with this id.', 409: CONFLICT }),
  },
});

const releaseRoute = createRoute({
  method: 'post',
  path: '/{id}/release',
  tags: ['conversations'],
  summary: 'Give the conversation back to the bot',
  request: { params: UuidParamsSchema },
  responses: {
    200: { description: 'Released.', content: { 'application/json': { schema: StatusChangeSchema, example: { data: { id: CONVERSATION_EXAMPLE.id, status: 'active' } } } } },
    ...errorResponses({ 404: 'No conversation with this id.', 409: CONFLICT }),
  },
});

const agentMessageRoute = createRoute({
  method: 'post',
  path: '/{id}/messages',
  tags: ['conversations'],
  summary: 'Write to the person as the agent',
  description: 'During a handoff. Sending the same `messageId` again retries without sending twice.',
  request: {
    params: UuidParamsSchema,
    body: { required: true, content: { 'application/json': { schema: AgentMessageSchema, example: { text: 'Hi, this is Sam from support.', messageId: 'agent-1' } } } },
  },
  responses: {
    202: {
      description: 'Queued for sending.',
      content: {
        'application/json': {
          schema: z.object({ data: z.object({ id: z.string(), messageId: z.string(), status: z.literal('queued') }) }),
          example: { data: { id: CONVERSATION_EXAMPLE.id, messageId: 'agent-1', status: 'queued' } },
        },
      },
    },
    ...errorResponses({
      400: 'The body is not valid JSON (`invalid_json`) or not a valid message (`validation_failed`).',
      404: 'No conversation with this id.',
      409: 'The conversation has ended or is not handed over.',
      413: 'The body is over MAX_BODY_BYTES.',
      415: 'The body is not sent as JSON.',
    }),
  },
});

const endRoute = createRoute({
  method: 'post',
  path: '/{id}/end',
  tags: ['conversations'],
  summary: 'End the conversation now',
  request: { params: UuidParamsSchema },
  responses: {
    202: {
      description: 'Ending.',
      content: {
        'application/json': {
          schema: z.object({ data: z.object({ id: z.string(), status: z.literal('ending') }) }),
          example: { data: { id: CONVERSATION_EXAMPLE.id, status: 'ending' } },
        },
      },
    },
    ...errorResponses({ 404: 'No conversation with this id.', 409: 'The conversation has already ended.' }),
  },
});

export interface ConversationRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
}

/** Conversations for admins and operators: list, read, read messages, end, hand over to a human and back. */
export function createConversationRoutes({ db, temporal }: ConversationRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();

  serveRoute(app, listConversationsRoute, async (c) => {
    const query = readQuery(c, ListQuerySchema);
    const after = query.cursor ? decodeCursor(query.cursor, CursorSchema) : undefined;
    const rows = await listConversations(db, { ...query, after, limit: query.limit + 1, onlyBots: scopedBots(c) });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > query.limit && last ? encodeCursor({ startedAt: last.started_at.toISOString(), id: last.id }) : null;
    return c.json({ data: page.map(toConversationView), nextCursor });
  });

  serveRoute(app, getConversationRoute, async (c) => {
    const row = await requireConversation(db, c.req.param('id'), c);
    return c.json({ data: { ...toConversationView(row), usage: await sumConversationUsage(db, row.id) } });
  });

  serveRoute(app, listMessagesRoute, async (c) => {
    const row = await requireConversation(db, c.req.param('id'), c);
    const query = readQuery(c, MessagesQuerySchema);
    const rows = await listMessages(db, { conversationIds: [row.id], afterSeq: query.cursor, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? (page[page.length - 1]?.seq ?? null) : null;
    const withMedia = page.filter((m) => m.direction === 'inbound' && m.platform_message_id !== null && m.attachments.length > 0);
    const media = await mediaOfMessages(db, { botId: row.bot_id, platform: row.platform, platformMessageIds: withMedia.map((m) => m.platform_message_id!) });
    // What a person said before an edit is for the team that runs conversations, not for viewers.
    const seesPreviousTexts = roleAllows(c.get('actor')?.role ?? 'viewer', 'operator');
    const views = page.map((m) => toMessageView(m, media));
    return c.json({ data: seesPreviousTexts ? views : views.map(withoutPreviousTexts), nextCursor });
  });

  serveRoute(app, handoffRoute, async (c) => {
    const row = await requireConversation(db, c.req.param('id'), c);
    return c.json({ data: { id: row.id, status: await takeOverConversation(temporal, row, operatorName(c)) } });
  });

  serveRoute(app, releaseRoute, async (c) => {
    const row = await requireConversation(db, c.req.param('id'), c);
    return c.json({ data: { id: row.id, status: await releaseConversation(temporal, row, operatorName(c)) } });
  });

  serveRoute(app, agentMessageRoute, async (c) => {
    const row = await requireConversation(db, c.req.param('id'), c);
    const body = await readJsonBody(c, AgentMessageSchema);
    const { messageId } = await sendAgentMessage(db, temporal, row, operatorName(c), body);
    return c.json({ data: { id: row.id, messageId, status: 'queued' as const } }, 202);
  });

  serveRoute(app, endRoute, async (c) => {
    const row = await requireConversation(db, c.req.param('id'), c);
    await endConversation(temporal, row);
    return c.json({ data: { id: row.id, status: 'ending' } }, 202);
  });

  return app;
}

/** Who acts, as the workflow logs it: the API key's name. */
function operatorName(c: Context<AppEnv>): string {
  return c.get('actor')?.name ?? 'operator';
}
