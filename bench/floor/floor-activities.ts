import { FLOOR_STEP_NAMES, type FloorStepName } from './floor-shapes';

/** What every floor step gets: the turn's tokens, and whether this step is the one that replies. */
export interface FloorStepInput {
  tokens: string[];
  replies: boolean;
}

/**
 * The floor's activities: one per step name, with nothing inside, so the floor workflow measures
 * only what Temporal and the SDK cost. The step that replies tells the benchmark (the worker's
 * parent, over IPC) that the turn got as far as a real reply would be sent.
 */
export function createFloorActivities(): Record<FloorStepName, (input: FloorStepInput) => Promise<void>> {
  const step = async ({ tokens, replies }: FloorStepInput): Promise<void> => {
    if (replies) process.send?.({ type: 'reply', tokens, at: Date.now() });
  };
  return Object.fromEntries(FLOOR_STEP_NAMES.map((name) => [name, step])) as Record<FloorStepName, typeof step>;
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
