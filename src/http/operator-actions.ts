import { randomUUID } from 'node:crypto';
import { type Client, type WorkflowHandle, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { OutboundAttachment } from '../conversations/outbound-attachment';
import { normaliseText } from '../conversations/normalise-inbound';
import { type ConversationRow, findConversation } from '../db/queries/conversations';
import { findOutboundMessage } from '../db/queries/messages';
import type { Database } from '../db/schema';
import { agentMessageUpdate, conversationStateQuery, endConversationSignal, handoffUpdate, releaseUpdate } from '../../workflows/definitions';
import type { AppEnv } from './app-env';
import { AppError } from './app-error';
import { botInScope } from './bot-scope';

/**
 * What an operator does to a conversation, through its workflow, so every action is ordered with
 * the conversation's messages and deduplicated: the one home for `/v1/conversations/:id/...` and the
 * console's buttons.
 */

/** The conversation, or 404; a key limited to other bots is told what it would be told of one that does not exist. */
export async function requireConversation(db: Kysely<Database>, id: string, c: Context<AppEnv>): Promise<ConversationRow> {
  if (!z.uuid().safeParse(id).success) throw new AppError('not_found', `No conversation with id "${id}".`);
  const row = await findConversation(db, id);
  if (!row || !botInScope(c, row.bot_id)) throw new AppError('not_found', `No conversation with id "${id}".`);
  return row;
}

/** A human takes the conversation over: the bot stops answering. */
export async function takeOverConversation(temporal: Client, row: ConversationRow, by: string): Promise<ConversationRow['status']> {
  const state = await runOperatorAction(temporal, row, by, (handle, action) => handle.executeUpdate(handoffUpdate, { args: [action] }));
  return state.status;
}

/** The conversation goes back to the bot. */
export async function releaseConversation(temporal: Client, row: ConversationRow, by: string): Promise<ConversationRow['status']> {
  const state = await runOperatorAction(temporal, row, by, (handle, action) => handle.executeUpdate(releaseUpdate, { args: [action] }));
  return state.status;
}

/**
 * Sends an operator's message to the person. The same `messageId` sent again (a double click, a
 * retry) sends nothing more: its outbound key is `agent:<messageId>`.
 */
export async function sendAgentMessage(
  db: Kysely<Database>,
  temporal: Client,
  row: ConversationRow,
  by: string,
  message: { text: string; attachments?: OutboundAttachment[]; messageId?: string },
): Promise<{ messageId: string }> {
  const messageId = message.messageId ?? randomUUID();
  // Sent before: the conversation forgets a message once it is out, the record does not.
  if (message.messageId && (await findOutboundMessage(db, { conversationId: row.id, outboundKey: `agent:${messageId}` }))) return { messageId };
  const attachments = message.attachments ?? [];
  await runOperatorAction(temporal, row, by, (handle, action) =>
    handle.executeUpdate(agentMessageUpdate, {
      args: [{ ...action, messageId, text: normaliseText(message.text).trim(), ...(attachments.length > 0 && { attachments }) }],
    }),
  );
  return { messageId };
}

/** Ends the conversation now; 409 when it already has. */
export async function endConversation(temporal: Client, row: ConversationRow): Promise<void> {
  if (row.status === 'ended') throw new AppError('conflict', 'The conversation has already ended.');
  // The workflow id is reused by later conversations of the same chat: make sure the running one is this one.
  const handle = temporal.workflow.getHandle(row.workflow_id);
  const running = await handle.query(conversationStateQuery).catch(() => undefined);
  if (running?.conversationId !== row.id) throw new AppError('conflict', 'The conversation has already ended.');
  await handle.signal(endConversationSignal, { reason: 'ended by operator' });
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
