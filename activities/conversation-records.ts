import { log } from '@temporalio/activity';
import type { ConversationKey } from '../src/conversations/conversation-key';
import type { InboundMessage } from '../src/conversations/inbound-message';
import type { RequestTrace } from '../src/conversations/request-trace';
import {
  markConversationEnded,
  openConversation,
  recordConversationError,
  updateConversationStatus,
} from '../src/db/queries/conversations';
import { insertOutboundMessage, type OutboundMessageInput } from '../src/db/queries/messages';
import { INBOUND_REJECTED } from '../src/conversations/inbound-rejection';
import { permanentFailure } from '../src/temporal/failures';
import type { ActivityDeps } from './deps';
import { createInboundStore } from './inbound-store';

/** Activities that keep Postgres, the system of record, in step with the conversation. All idempotent. */
export function createConversationRecordActivities({ db, metrics }: Pick<ActivityDeps, 'db' | 'metrics'>) {
  const storeInbound = createInboundStore({ db, metrics });
  return {
    async openConversation(args: { key: ConversationKey; workflowId: string; firstRunId: string }): Promise<string> {
      return openConversation(db, args);
    },

    /**
     * Returns the ids that are new to this conversation; the rest are late duplicates. A message the
     * database can never store fails the activity for good (`InboundRejected`, naming it), after
     * the others are stored, so the workflow records that one message and goes on.
     */
    /**
     * Returns the ids that are new to this conversation; the rest are late duplicates. A message the
     * database can never store fails the activity for good (`InboundRejected`, naming it), after
     * the others are stored, so the workflow records that one message and goes on.
     */
    async persistInbound(args: { conversationId: string; messages: InboundMessage[] }): Promise<string[]> {
      const { accepted, rejected } = await storeInbound(args);
      if (rejected.length > 0) {
        throw permanentFailure(`The database refused ${rejected.length} inbound message(s)`, INBOUND_REJECTED, { rejectedMessageIds: rejected });
      }
      return accepted;
    },

    async persistOutbound(message: OutboundMessageInput & RequestTrace): Promise<void> {
      const inserted = await insertOutboundMessage(db, message);
      if (inserted && message.status === 'sent') {
        metrics.messages.inc({ direction: 'outbound', platform: message.platform, bot: message.botId });
      }
      if (inserted && message.author === 'bot') metrics.replies.inc({ bot: message.botId, kind: message.kind });
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
}
