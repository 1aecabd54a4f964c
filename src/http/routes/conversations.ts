import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { PLATFORMS } from '../../conversations/platform';
import { type ConversationRow, findConversation, listConversations } from '../../db/queries/conversations';
import { listMessages, type MessageRow } from '../../db/queries/messages';
import type { Database } from '../../db/schema';
import { conversationStateQuery, endConversationSignal } from '../../../workflows/definitions';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { decodeCursor, encodeCursor } from '../cursor';
import { readQuery } from '../json-body';

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

export interface ConversationRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
}

/** Conversations for admins and operators: list, read, read messages, end. */
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
