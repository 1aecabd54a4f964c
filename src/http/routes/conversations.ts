import { randomUUID } from 'node:crypto';
import { type Client, type WorkflowHandle, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { type Context, Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { PLATFORMS } from '../../conversations/platform';
import { type ConversationRow, findConversation, listConversations } from '../../db/queries/conversations';
import { listMessages, type MessageRow } from '../../db/queries/messages';
import type { Database } from '../../db/schema';
import {
  agentMessageUpdate,
  conversationStateQuery,
  endConversationSignal,
  handoffUpdate,
  releaseUpdate,
} from '../../../workflows/definitions';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { decodeCursor, encodeCursor } from '../cursor';
import { readJsonBody, readQuery } from '../json-body';

const ListQuerySchema = z.object({
  botId: z.string().min(1).optional(),
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

const AgentMessageSchema = z.object({
  text: z.string().trim().min(1, 'must not be empty').max(8000),
  /** Send the same id again to retry without sending twice. */
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).optional(),
});

export interface ConversationRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
}

/** Conversations for admins and operators: list, read, read messages, end, hand over to a human and back. */
export function createConversationRoutes({ db, temporal }: ConversationRoutesDeps) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const query = readQuery(c, ListQuerySchema);
    const after = query.cursor ? decodeCursor(query.cursor, CursorSchema) : undefined;
    const rows = await listConversations(db, { ...query, after, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > query.limit && last ? encodeCursor({ startedAt: last.started_at.toISOString(), id: last.id }) : null;
    return c.json({ data: page.map(toConversationView), nextCursor });
  });

  app.get('/:id', async (c) => {
    const row = await requireConversation(db, c.req.param('id'));
    return c.json({ data: toConversationView(row) });
  });

  app.get('/:id/messages', async (c) => {
    const row = await requireConversation(db, c.req.param('id'));
    const query = readQuery(c, MessagesQuerySchema);
    const rows = await listMessages(db, { conversationIds: [row.id], afterSeq: query.cursor, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? (page[page.length - 1]?.seq ?? null) : null;
    return c.json({ data: page.map(toMessageView), nextCursor });
  });

  app.post('/:id/handoff', async (c) => {
    const row = await requireConversation(db, c.req.param('id'));
    const state = await runOperatorAction(temporal, row, operatorName(c), (handle, action) => handle.executeUpdate(handoffUpdate, { args: [action] }));
    return c.json({ data: { id: row.id, status: state.status } });
  });

  app.post('/:id/release', async (c) => {
    const row = await requireConversation(db, c.req.param('id'));
    const state = await runOperatorAction(temporal, row, operatorName(c), (handle, action) => handle.executeUpdate(releaseUpdate, { args: [action] }));
    return c.json({ data: { id: row.id, status: state.status } });
  });

  app.post('/:id/messages', async (c) => {
    const row = await requireConversation(db, c.req.param('id'));
    const body = await readJsonBody(c, AgentMessageSchema);
    const messageId = body.messageId ?? randomUUID();
    await runOperatorAction(temporal, row, operatorName(c), (handle, action) =>
      handle.executeUpdate(agentMessageUpdate, { args: [{ ...action, messageId, text: body.text }] }),
    );
    return c.json({ data: { id: row.id, messageId, status: 'queued' } }, 202);
  });

  app.post('/:id/end', async (c) => {
    const row = await requireConversation(db, c.req.param('id'));
    if (row.status === 'ended') throw new AppError('conflict', 'The conversation has already ended.');
    // The workflow id is reused by later conversations of the same chat: make sure the running one is this one.
    const handle = temporal.workflow.getHandle(row.workflow_id);
    const running = await handle.query(conversationStateQuery).catch(() => undefined);
    if (running?.conversationId !== row.id) throw new AppError('conflict', 'The conversation has already ended.');
    await handle.signal(endConversationSignal, { reason: 'ended by operator' });
    return c.json({ data: { id: row.id, status: 'ending' } }, 202);
  });

  return app;
}

/**
 * Runs an operator action on the conversation's workflow. The workflow id is shared by every
 * conversation of a chat, so the action names this conversation and the workflow refuses it when
 * that one has ended: 409.
 */
async function runOperatorAction<T>(
  temporal: Client,
  row: ConversationRow,
  by: string,
  act: (handle: WorkflowHandle, action: { conversationId: string; by: string }) => Promise<T>,
): Promise<T> {
  if (row.status === 'ended') throw new AppError('conflict', 'The conversation has already ended.');
  try {
    return await act(temporal.workflow.getHandle(row.workflow_id), { conversationId: row.id, by });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new AppError('conflict', error.cause?.message ?? 'The conversation refused the action.');
    }
    if (error instanceof WorkflowNotFoundError) throw new AppError('conflict', 'The conversation has already ended.');
    throw error;
  }
}

/** Who acts, as the workflow logs it: the API key's name. */
function operatorName(c: Context<AppEnv>): string {
  return c.get('actor')?.name ?? 'operator';
}

async function requireConversation(db: Kysely<Database>, id: string): Promise<ConversationRow> {
  if (!z.uuid().safeParse(id).success) throw new AppError('not_found', `No conversation with id "${id}".`);
  const row = await findConversation(db, id);
  if (!row) throw new AppError('not_found', `No conversation with id "${id}".`);
  return row;
}

function toConversationView(row: ConversationRow) {
  return {
    id: row.id,
    botId: row.bot_id,
    platform: row.platform,
    chatId: row.chat_id,
    status: row.status,
    workflowId: row.workflow_id,
    firstRunId: row.first_run_id,
    startedAt: row.started_at.toISOString(),
    lastMessageAt: row.last_message_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    endReason: row.end_reason,
    lastError: row.last_error,
  };
}

function toMessageView(row: MessageRow) {
  return {
    id: row.id,
    seq: row.seq,
    direction: row.direction,
    author: row.author,
    text: row.text,
    attachments: row.attachments,
    kind: row.kind,
    status: row.status,
    platformMessageId: row.platform_message_id,
    error: row.error,
    createdAt: row.created_at.toISOString(),
  };
}
