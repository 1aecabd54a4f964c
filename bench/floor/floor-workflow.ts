import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { FloorActivities } from './floor-activities';
import { FLOOR_SHAPES, type FloorShapeName, type FloorStep } from './floor-shapes';

/** One message for the floor conversation: the token the benchmark waits for. */
export const floorMessageSignal = defineSignal<[{ token: string }]>('floorMessage');
/** The same message by update: returns once the turn that answers it is done. */
export const floorMessageUpdate = defineUpdate<void, [{ token: string }]>('floorMessageUpdate');

const activities = proxyActivities<FloorActivities>({ startToCloseTimeout: '15 seconds' });
const local = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

const HISTORY_LIMIT = 1000;

/**
 * The least a durable conversation turn of a given shape (`floor-shapes.ts`) can cost: the entity
 * of `conversationV2` (messages in by signal or update, a queue, one turn at a time,
 * continue-as-new) running the shape's steps as empty activities.
 */
export async function floorWorkflow(args: { shape: FloorShapeName; opened?: boolean }): Promise<void> {
  const shape = FLOOR_SHAPES[args.shape];
  const queue: string[] = [];
  const answered = new Set<string>();
  setHandler(floorMessageSignal, ({ token }) => void queue.push(token));
  setHandler(floorMessageUpdate, async ({ token }) => {
    queue.push(token);
    await condition(() => answered.has(token));
    answered.delete(token);
  });
  const run = async (steps: readonly FloorStep[], tokens: string[]) => {
    for (const step of steps) {
      const input = { tokens: step.replies ? tokens : [], replies: step.replies ?? false };
      await (step.local ? local : activities)[step.activity](input);
    }
  };
  if (!args.opened) await run(shape.opening, []);
  for (;;) {
    await condition(() => queue.length > 0);
    const batch = queue.splice(0);
    await run(shape.turn, batch);
    batch.forEach((token) => answered.add(token));
    const info = workflowInfo();
    if ((info.continueAsNewSuggested || info.historyLength >= HISTORY_LIMIT) && queue.length === 0) {
      // An update that comes in meanwhile waits for its turn, so it must be served here, not carried over.
      await condition(() => allHandlersFinished() || queue.length > 0);
      if (queue.length === 0) return continueAsNew<typeof floorWorkflow>({ shape: args.shape, opened: true });
    }
  }
}
