import { log } from '@temporalio/activity';
import type { DeliveryReceipt, OutboundReply } from '../src/platforms/platform-adapter';
import { permanentFailure } from '../src/temporal/failures';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';

export function createSendReplyActivities({ adapters }: Pick<ActivityDeps, 'adapters'>) {
  return {
    async sendReply(reply: OutboundReply): Promise<DeliveryReceipt> {
      const adapter = adapters[reply.key.platform];
      if (!adapter) throw permanentFailure(`No adapter sends to ${reply.key.platform}`, 'PlatformNotSupported');
      const receipt = await whileHeartbeating(() => adapter.send(reply));
      log.info('Reply sent', { outboundKey: reply.outboundKey, parts: receipt.platformMessageIds.length });
      return receipt;
    },
  };
}
