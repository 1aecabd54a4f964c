import { condition, continueAsNew, defineSignal, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { FloorActivities } from './floor-activities';

/** One message for the floor conversation: the token the benchmark waits for. */
export const floorMessageSignal = defineSignal<[{ token: string }]>('floorMessage');

const activities = proxyActivities<FloorActivities>({ startToCloseTimeout: '15 seconds' });
const local = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

/**
 * The least a durable conversation turn can cost: the shape of `conversationWorkflow` (a signal,
 * a queue, one turn at a time, continue-as-new) with its seven activity calls per turn (one local)
 * and no work inside them.
 */
export async function floorWorkflow(args: { opened?: boolean } = {}): Promise<void> {
  const queue: string[] = [];
  setHandler(floorMessageSignal, ({ token }) => void queue.push(token));
  if (!args.opened) await activities.openConversation();
  for (;;) {
    await condition(() => queue.length > 0);
    const batch = queue.splice(0);
    await local.loadBotSettings();
    await activities.persistInbound();
    await activities.moderate();
    await activities.generateReply();
    await activities.moderate();
    await activities.sendReply(batch);
    await activities.persistOutbound();
    if (workflowInfo().historyLength >= 1000 && queue.length === 0) return continueAsNew<typeof floorWorkflow>({ opened: true });
  }
}
