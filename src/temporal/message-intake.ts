import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowUpdateStage,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Logger } from 'pino';
import type { conversationV2 } from '../../workflows/conversation-workflow';
import type { ReplyOutcome } from '../../workflows/conversation-state';
import {
  CONVERSATION_WORKFLOW_TYPE,
  inboundMessageSignal,
  inboundMessageUpdate,
  type ProactiveMessage,
  proactiveMessageUpdate,
} from '../../workflows/definitions';
import {
  BotIdAttribute,
  ChatIdAttribute,
  ConversationStatusAttribute,
  PlatformAttribute,
} from '../../workflows/search-attributes';
import { type ConversationKey, conversationWorkflowId } from '../conversations/conversation-key';
import type { InboundMessage } from '../conversations/inbound-message';

/** Thrown when Temporal did not take the message: the caller must not answer 2xx, so the sender retries. */
export class MessageNotAcceptedError extends Error {
  constructor(override readonly cause: unknown) {
    super('Temporal did not accept the message');
    this.name = 'MessageNotAcceptedError';
  }
}

export type WaitedReply = { accepted: true; outcome: ReplyOutcome } | { accepted: true; outcome: 'timeout' };

/** Hands messages to their conversation workflow, starting it when needed. */
export interface MessageIntake {
  /** Resolves once Temporal has durably accepted the message. */
  accept(message: InboundMessage): Promise<void>;
  /** Accepts the message, then waits up to `timeoutMs` for its reply. */
  acceptAndWait(message: InboundMessage, timeoutMs: number): Promise<WaitedReply>;
  /**
   * Has the bot open (or continue) the conversation at `key` with a message of its own, starting
   * the workflow when needed. Resolves once the message is queued, with the conversation's id.
   */
  sendProactive(key: ConversationKey, message: ProactiveMessage): Promise<{ conversationId: string; queued: boolean }>;
}


export interface MessageIntakeOptions {
  client: Client;
  taskQueue: string;
  /** How long Temporal may take to accept a message before we answer 503. Default 10 s. */
  acceptTimeoutMs?: number;
  /** Logs each accepted message with its request id and workflow id: where a grep for either starts. */
  logger?: Logger;
}

export function createMessageIntake({ client, taskQueue, acceptTimeoutMs = 10_000, logger }: MessageIntakeOptions): MessageIntake {
  function startOptions(message: InboundMessage) {
    const key: ConversationKey = { botId: message.botId, platform: message.platform, chatId: message.chatId };
    return {
      workflowId: conversationWorkflowId(key),
      taskQueue,
      args: [{ key }] as Parameters<typeof conversationV2>,
      typedSearchAttributes: searchAttributesFor(key),
    };
  }

  function logAccepted(message: InboundMessage, workflowId: string) {
    logger?.info(
      { requestId: message.requestId, workflowId, platform: message.platform, messageId: message.messageId },
      'Message accepted',
    );
  }

  return {
    async accept(message) {
      try {
        await client.withDeadline(Date.now() + acceptTimeoutMs, () =>
          client.workflow.signalWithStart<typeof conversationV2, [InboundMessage]>(CONVERSATION_WORKFLOW_TYPE, {
            ...startOptions(message),
            signal: inboundMessageSignal,
            signalArgs: [message],
          }),
        );
      } catch (error) {
        throw new MessageNotAcceptedError(error);
      }
      logAccepted(message, startOptions(message).workflowId);
    },

    async acceptAndWait(message, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof conversationV2>(
        CONVERSATION_WORKFLOW_TYPE,
        { ...startOptions(message), workflowIdConflictPolicy: 'USE_EXISTING' },
      );
      let handle;
      try {
        handle = await client.withDeadline(Math.min(deadline, Date.now() + acceptTimeoutMs), () =>
          client.workflow.startUpdateWithStart(inboundMessageUpdate, {
            args: [message],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
            startWorkflowOperation,
          }),
        );
      } catch (error) {
        throw new MessageNotAcceptedError(error);
      }
      logAccepted(message, handle.workflowId);
      try {
        const outcome = await client.withDeadline(deadline, () => handle.result());
        return { accepted: true, outcome };
      } catch {
        // Accepted is durable: whether the wait timed out or the run moved on (continue-as-new), the
        // workflow still answers the message.
        return { accepted: true, outcome: 'timeout' };
      }
    },

    async sendProactive(key, message) {
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof conversationV2>(CONVERSATION_WORKFLOW_TYPE, {
        workflowId: conversationWorkflowId(key),
        taskQueue,
        args: [{ key }],
        typedSearchAttributes: searchAttributesFor(key),
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      const result = await client.withDeadline(Date.now() + acceptTimeoutMs, () =>
        client.workflow.executeUpdateWithStart(proactiveMessageUpdate, { args: [message], startWorkflowOperation }),
      );
      logger?.info({ workflowId: conversationWorkflowId(key), platform: key.platform, queued: result.queued }, 'Proactive message accepted');
      return result;
    },
  };
}

function searchAttributesFor(key: ConversationKey): SearchAttributePair[] {
  return [
    { key: BotIdAttribute, value: key.botId },
    { key: PlatformAttribute, value: key.platform },
    { key: ChatIdAttribute, value: key.chatId },
    { key: ConversationStatusAttribute, value: 'active' },
  ];
}
