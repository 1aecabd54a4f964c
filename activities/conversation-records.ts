import { log } from '@temporalio/activity';
import type { ConversationKey } from '../src/conversations/conversation-key';
import type { InboundMessage } from '../src/conversations/inbound-message';
import { requestIdsOf, type RequestTrace } from '../src/conversations/request-trace';
import {
  markConversationEnded,
  openConversation,
  recordConversationError,
  updateConversationStatus,
} from '../src/db/queries/conversations';
import { insertInboundMessages, insertOutboundMessage, type OutboundMessageInput } from '../src/db/queries/messages';
import { INBOUND_REJECTED } from '../src/conversations/inbound-rejection';
import { isRejectedData } from '../src/db/rejected-data';
import { permanentFailure } from '../src/temporal/failures';
import type { ActivityDeps } from './deps';

/** Activities that keep Postgres, the system of record, in step with the conversation. All idempotent. */
export function createConversationRecordActivities({ db, metrics }: Pick<ActivityDeps, 'db' | 'metrics'>) {
  return {
    async openConversation(args: { key: ConversationKey; workflowId: string; firstRunId: string }): Promise<string> {
      return openConversation(db, args);
    },

    /**
     * Returns the ids that are new to this conversation; the rest are late duplicates. A message the
     * database can never store fails the activity for good (`InboundRejected`, naming it), after
     * the others are stored, so the workflow records that one message and goes on.
     */
    async persistInbound(args: { conversationId: string; messages: InboundMessage[] }): Promise<string[]> {
      let accepted: string[];
      try {
        accepted = await insertInboundMessages(db, args);
      } catch (error) {
        if (!isRejectedData(error)) throw error;
        throw await rejectUnstorable(args);
      }
      const first = args.messages[0];
      if (first && accepted.length > 0) {
        metrics.messages.inc({ direction: 'inbound', platform: first.platform, bot: first.botId }, accepted.length);
      }
      log.info('Stored inbound messages', { requestIds: requestIdsOf(args.messages), accepted: accepted.length });
      const duplicates = args.messages.length - accepted.length;
      if (duplicates > 0) log.info('Dropped messages the database already holds', { duplicates });
      return accepted;
    },

    async persistOutbound(message: OutboundMessageInput & RequestTrace): Promise<void> {
      const inserted = await insertOutboundMessage(db, message);
      if (inserted && message.status === 'sent') {
        metrics.messages.inc({ direction: 'outbound', platform: message.platform, bot: message.botId });
      }
    },

    async setConversationStatus(args: { conversationId: string; status: 'active' | 'handoff' }): Promise<void> {
      await updateConversationStatus(db, args);
    },

    async endConversation(args: { conversationId: string; reason: string }): Promise<void> {
      await markConversationEnded(db, args);
    },

    async recordDeliveryFailure(args: { conversationId: string; type: string; message: string }): Promise<void> {
      log.warn('Reply could not be delivered', { type: args.type, error: args.message });
      await recordConversationError(db, args);
    },
  };

  /** Stores the batch one message at a time, to find the ones the database refuses. */
  async function rejectUnstorable(args: { conversationId: string; messages: InboundMessage[] }) {
    const rejected: string[] = [];
    for (const message of args.messages) {
      try {
        await insertInboundMessages(db, { conversationId: args.conversationId, messages: [message] });
      } catch (error) {
        if (!isRejectedData(error)) throw error;
        rejected.push(message.messageId);
        metrics.inboundRejected.inc({ platform: message.platform, bot: message.botId });
        log.warn('The database refused an inbound message; the conversation goes on without it', {
          messageId: message.messageId,
          requestId: message.requestId,
          code: error.code,
          error: error.message,
        });
        await recordConversationError(db, {
          conversationId: args.conversationId,
          type: 'InboundRejected',
          message: `Message ${message.messageId} could not be stored (${error.code}: ${error.message}); it was not answered.`,
        });
      }
    }
    return permanentFailure(`The database refused ${rejected.length} inbound message(s)`, INBOUND_REJECTED, { rejectedMessageIds: rejected });
  }
}
