/**
 * The conversation workflow's public messages, shared by the workflow and its clients.
 * Only `@temporalio/workflow` and type imports are allowed here: the workflow bundle includes it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { InboundMessage } from '../src/conversations/inbound-message';
import type { AgentMessage, ConversationSnapshot, ReplyOutcome } from './conversation-state';
import type { TemplateMessage } from '../src/conversations/whatsapp-templates';

export const inboundMessageSignal = defineSignal<[InboundMessage]>('inboundMessage');

/** Like the signal, but completes with the reply to this message: the API channel's `?wait=true`. */
export const inboundMessageUpdate = defineUpdate<ReplyOutcome, [InboundMessage]>('inboundMessageAwaitReply');

export const endConversationSignal = defineSignal<[{ reason: string }]>('endConversation');

/**
 * Operator actions. Each names the conversation it is meant for: the workflow id outlives a
 * conversation, and the validator rejects an action aimed at one that already ended.
 */
export interface OperatorAction {
  conversationId: string;
  by: string;
}

/** A human takes over: from now on the bot sends nothing, not even a reply it was writing. */
export const handoffUpdate = defineUpdate<ConversationSnapshot, [OperatorAction]>('handoff');

/** The bot takes the conversation back. */
export const releaseUpdate = defineUpdate<ConversationSnapshot, [OperatorAction]>('release');

/** An operator's message, sent through the same paced, retried, split send path as the bot's. */
export const agentMessageUpdate = defineUpdate<{ queued: boolean }, [OperatorAction & Omit<AgentMessage, 'by'>]>('agentMessage');

/**
 * The bot opens (or continues) a conversation with a message of its own: `POST
 * /v1/bots/:botId/conversations`. Idempotent by the client's key; answers once the conversation exists.
 */
export const proactiveMessageUpdate = defineUpdate<{ conversationId: string; queued: boolean }, [ProactiveMessage]>('proactiveMessage');

export interface ProactiveMessage {
  /** The client's idempotency key. */
  messageId: string;
  text: string;
  /** Who asked (the API key's name), for the logs and the audit trail. */
  by: string;
  template?: TemplateMessage;
}

export const conversationStateQuery = defineQuery<ConversationSnapshot>('conversationState');

/** The workflow type of every new conversation: `conversation-workflow.ts`. */
export const CONVERSATION_WORKFLOW_TYPE = 'conversationV2';

/** The first shape's type, still registered for conversations started before it: `legacy/`. */
export const FIRST_SHAPE_WORKFLOW_TYPE = 'conversationWorkflow';
