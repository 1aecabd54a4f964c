import { log } from '@temporalio/activity';
import type { RequestTrace } from '../src/conversations/request-trace';
import type { DeliveryReceipt, OutboundReply } from '../src/platforms/platform-adapter';
import { failureClass, permanentFailure } from '../src/temporal/failures';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';

/** One message to a platform, through its adapter, counted when it fails. */
export function createPlatformSend({ adapters, metrics, breakers }: Pick<ActivityDeps, 'adapters' | 'metrics' | 'breakers'>) {
  return async function send(reply: OutboundReply): Promise<DeliveryReceipt> {
    const adapter = adapters[reply.key.platform];
    if (!adapter) throw permanentFailure(`No adapter sends to ${reply.key.platform}`, 'PlatformNotSupported');
    const timer = metrics.sendDuration.startTimer({ platform: reply.key.platform });
    try {
      // Platforms we call go through their breaker; the web chat and the API channel are ours.
      const external = reply.key.platform !== 'webchat' && reply.key.platform !== 'api';
      const receipt = external ? await breakers.run(reply.key.platform, () => adapter.send(reply)) : await adapter.send(reply);
      timer({ outcome: 'sent' });
      log.info('Reply sent', { outboundKey: reply.outboundKey, parts: receipt.platformMessageIds.length });
      return receipt;
    } catch (error) {
      const failure = failureClass(error);
      timer({ outcome: failure });
      metrics.sendFailures.inc({ platform: reply.key.platform, class: failure });
      throw error;
    }
  };
}

/** Conversations of the first shape (`workflows/legacy/`) send through this. */
export function createSendReplyActivities(deps: Pick<ActivityDeps, 'adapters' | 'metrics' | 'breakers'>) {
  const send = createPlatformSend(deps);
  return {
    async sendReply(reply: OutboundReply & RequestTrace): Promise<DeliveryReceipt> {
      return whileHeartbeating(() => send(reply));
    },
  };
}
