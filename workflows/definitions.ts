/**
 * The conversation workflow's public messages, shared by the workflow and its clients.
 * Only `@temporalio/workflow` and type imports are allowed here: the workflow bundle includes it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { InboundMessage } from '../src/conversations/inbound-message';
import type { ConversationSnapshot, ReplyOutcome } from './conversation-state';

export const inboundMessageSignal = defineSignal<[InboundMessage]>('inboundMessage');

/** Like the signal, but completes with the reply to this message: the API channel's `?wait=true`. */
export const inboundMessageUpdate = defineUpdate<ReplyOutcome, [InboundMessage]>('inboundMessageAwaitReply');

export const endConversationSignal = defineSignal<[{ reason: string }]>('endConversation');

export const conversationStateQuery = defineQuery<ConversationSnapshot>('conversationState');

export const CONVERSATION_WORKFLOW_TYPE = 'conversationWorkflow';
