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
    // Timed around the platform's own call: a send an open breaker holds back is no platform latency.
    const timedSend = async () => {
      const timer = metrics.sendDuration.startTimer({ platform: reply.key.platform });
      try {
        const receipt = await adapter.send(reply);
        timer({ outcome: 'sent' });
        return receipt;
      } catch (error) {
        timer({ outcome: failureClass(error) });
        throw error;
      }
    };
    try {
      // Platforms we call go through their breaker; the web chat and the API channel are ours.
      const external = reply.key.platform !== 'webchat' && reply.key.platform !== 'api';
      const receipt = external ? await breakers.run(reply.key.platform, timedSend) : await timedSend();
      log.info('Reply sent', { outboundKey: reply.outboundKey, parts: receipt.platformMessageIds.length });
      return receipt;
    } catch (error) {
      metrics.sendFailures.inc({ platform: reply.key.platform, class: failureClass(error) });
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
