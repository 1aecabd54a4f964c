import { log } from '@temporalio/activity';
import type { InboundMessage } from '../src/conversations/inbound-message';
import { requestIdsOf } from '../src/conversations/request-trace';
import { recordConversationError } from '../src/db/queries/conversations';
import { insertInboundMessages } from '../src/db/queries/messages';
import { isRejectedData } from '../src/db/rejected-data';
import type { ActivityDeps } from './deps';

export function createInboundStore({ db, metrics }: Pick<ActivityDeps, 'db' | 'metrics'>) {
  return storeInbound;

  /**
   * Stores the batch. `accepted`: ids new to this conversation (the rest are late duplicates).
   * `rejected`: ids the database can never store, each recorded as the conversation's last error;
   * the others are stored all the same, so one bad message never wedges the rest.
   */
  async function storeInbound(args: { conversationId: string; messages: InboundMessage[] }) {
    let accepted: string[];
    let rejected: string[] = [];
    try {
      accepted = await insertInboundMessages(db, args);
    } catch (error) {
      if (!isRejectedData(error)) throw error;
      ({ accepted, rejected } = await storeOneByOne(args));
    }
    const first = args.messages[0];
    if (first && accepted.length > 0) {
      metrics.messages.inc({ direction: 'inbound', platform: first.platform, bot: first.botId }, accepted.length);
    }
    log.info('Stored inbound messages', { requestIds: requestIdsOf(args.messages), accepted: accepted.length });
    const duplicates = args.messages.length - accepted.length - rejected.length;
    if (duplicates > 0) log.info('Dropped messages the database already holds', { duplicates });
    return { accepted, rejected };
  }

  /** Stores the batch one message at a time, to find the ones the database refuses. */
  async function storeOneByOne(args: { conversationId: string; messages: InboundMessage[] }) {
    const accepted: string[] = [];
    const rejected: string[] = [];
    for (const message of args.messages) {
      try {
        accepted.push(...(await insertInboundMessages(db, { conversationId: args.conversationId, messages: [message] })));
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
    return { accepted, rejected };
  }
}
