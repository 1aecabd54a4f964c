import { log } from '@temporalio/activity';
import type { RequestTrace } from '../src/conversations/request-trace';
import type { DeliveryReceipt, OutboundReply } from '../src/platforms/platform-adapter';
import { failureClass, permanentFailure } from '../src/temporal/failures';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';

export function createSendReplyActivities({ adapters, metrics }: Pick<ActivityDeps, 'adapters' | 'metrics'>) {
  return {
    async sendReply(reply: OutboundReply & RequestTrace): Promise<DeliveryReceipt> {
      const adapter = adapters[reply.key.platform];
      if (!adapter) throw permanentFailure(`No adapter sends to ${reply.key.platform}`, 'PlatformNotSupported');
      let receipt: DeliveryReceipt;
      try {
        receipt = await whileHeartbeating(() => adapter.send(reply));
      } catch (error) {
        metrics.sendFailures.inc({ platform: reply.key.platform, class: failureClass(error) });
        throw error;
      }
      log.info('Reply sent', { outboundKey: reply.outboundKey, parts: receipt.platformMessageIds.length });
      return receipt;
    },
  };
}
