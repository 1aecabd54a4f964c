/**
 * The shapes of turn the floor workflow can take: each the least a durable turn of that shape can
 * cost, with no work inside its activities. Plain data, read by the workflow (by name) and by the
 * benchmark; a new shape to compare is one entry here.
 */
export const FLOOR_STEP_NAMES = [
  'openConversation',
  'loadBotSettings',
  'persistInbound',
  'moderate',
  'generateReply',
  'sendReply',
  'persistOutbound',
  'beginTurn',
  'runTurn',
] as const;
export type FloorStepName = (typeof FLOOR_STEP_NAMES)[number];

export interface FloorStep {
  activity: FloorStepName;
  /** A local activity: run in the workflow task's worker, recorded as a marker. */
  local?: boolean;
  /** This step delivers the reply: the benchmark hears of it when it runs. */
  replies?: boolean;
}

export interface FloorShape {
  label: string;
  /** How a message comes in: a signal (signalWithStart, as webhooks do) or an update (update-with-start). */
  intake: 'signal' | 'update';
  /** Steps of a new conversation's first run, before its first turn. */
  opening: FloorStep[];
  /** Steps of every turn. With none replying, the update's return is the reply. */
  turn: FloorStep[];
  /** Measured only in (i), idle latency, unless asked for with --floors. */
  idleOnly?: boolean;
}

export const FLOOR_SHAPES = {
  today: {
    label: 'first shape (before the pipeline): 1 local + 6 activities',
    intake: 'signal',
    opening: [{ activity: 'openConversation' }],
    turn: [
      { activity: 'loadBotSettings', local: true },
      { activity: 'persistInbound' },
      { activity: 'moderate' },
      { activity: 'generateReply' },
      { activity: 'moderate' },
      { activity: 'sendReply', replies: true },
      { activity: 'persistOutbound' },
    ],
  },
  'local-then-activity': {
    label: 'new shape: 1 local activity (database) + 1 activity (model and send)',
    intake: 'signal',
    opening: [],
    turn: [
      { activity: 'beginTurn', local: true },
      { activity: 'runTurn', replies: true },
    ],
  },
  'all-local': {
    label: 'the new shape with both steps local',
    intake: 'signal',
    opening: [],
    turn: [
      { activity: 'beginTurn', local: true },
      { activity: 'runTurn', local: true, replies: true },
    ],
  },
  'local-then-activity-by-update': {
    label: 'new shape by update-with-start: 1 local activity + 1 activity, the reply when the update returns',
    intake: 'update',
    opening: [],
    turn: [{ activity: 'beginTurn', local: true }, { activity: 'runTurn' }],
    idleOnly: true,
  },
  'activity-only-by-update': {
    label: 'one activity by update-with-start: the whole turn in one activity, the reply when the update returns',
    intake: 'update',
    opening: [],
    turn: [{ activity: 'runTurn' }],
    idleOnly: true,
  },
  'update-only': {
    label: 'bare update-with-start, no activity',
    intake: 'update',
    opening: [],
    turn: [],
  },
} as const satisfies Record<string, FloorShape>;

export type FloorShapeName = keyof typeof FLOOR_SHAPES;
export const FLOOR_SHAPE_NAMES = Object.keys(FLOOR_SHAPES) as FloorShapeName[];

export function isFloorShapeName(name: string): name is FloorShapeName {
  return Object.hasOwn(FLOOR_SHAPES, name);
}
