/**
 * What a workflow's history holds, counted the way issue 12 counts a turn's cost: events, workflow
 * tasks (each a round trip to the server and a replay step on the worker), activities, local
 * activities and timers. Reads the JSON form of a history (`historyToJSON`, or `temporal workflow
 * show --output json`), where event types are names such as `EVENT_TYPE_WORKFLOW_TASK_COMPLETED`.
 */
export interface HistoryEventJson {
  eventType?: string;
  markerRecordedEventAttributes?: { markerName?: string };
}

export interface HistoryCounts {
  events: number;
  workflowTasks: number;
  activities: number;
  localActivities: number;
  timers: number;
  /** Messages that came in: signals and accepted updates. */
  inbound: number;
}

const COUNTED: Record<string, Exclude<keyof HistoryCounts, 'events' | 'localActivities'>> = {
  EVENT_TYPE_WORKFLOW_TASK_COMPLETED: 'workflowTasks',
  EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: 'activities',
  EVENT_TYPE_TIMER_STARTED: 'timers',
  EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: 'inbound',
  EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: 'inbound',
};

/** The SDK records each local activity's result as a marker of this name. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export function countHistory(events: readonly HistoryEventJson[]): HistoryCounts {
  const counts: HistoryCounts = { events: events.length, workflowTasks: 0, activities: 0, localActivities: 0, timers: 0, inbound: 0 };
  for (const event of events) {
    const counted = COUNTED[event.eventType ?? ''];
    if (counted) counts[counted]++;
    if (event.eventType === 'EVENT_TYPE_MARKER_RECORDED' && event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) counts.localActivities++;
  }
  return counts;
}

const WORKFLOW_TASK_EVENT = /^EVENT_TYPE_WORKFLOW_TASK_/;
const ACTIVITY_CLOSED = new Set(['EVENT_TYPE_ACTIVITY_TASK_COMPLETED', 'EVENT_TYPE_ACTIVITY_TASK_FAILED', 'EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT', 'EVENT_TYPE_ACTIVITY_TASK_CANCELED']);

/**
 * True when a history has settled: its last workflow task is done and no activity is open. What
 * that task decided (markers, timers, a finished update) is written after it; a pending timer,
 * such as the idle timer, does not count.
 */
export function historyIsQuiet(events: readonly HistoryEventJson[]): boolean {
  const lastTask = [...events].reverse().find((event) => WORKFLOW_TASK_EVENT.test(event.eventType ?? ''));
  if (lastTask?.eventType !== 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED') return false;
  let open = 0;
  for (const { eventType = '' } of events) {
    if (eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') open++;
    else if (ACTIVITY_CLOSED.has(eventType)) open--;
  }
  return open === 0;
}

export type HistoryPerTurn = { [K in keyof Omit<HistoryCounts, 'inbound'>]: number } & { turns: number };

/**
 * The steady cost of one turn: what `later` (the same run after `turns` more turns) holds beyond
 * `first` (after the opening turn), divided by those turns, to 0.1. The opening turn, with the
 * workflow's start, is left out: it is `first` itself.
 */
export function historyPerTurn(first: HistoryCounts, later: HistoryCounts, turns: number): HistoryPerTurn {
  const per = (key: keyof HistoryCounts) => Math.round(((later[key] - first[key]) / turns) * 10) / 10;
  return {
    turns,
    events: per('events'),
    workflowTasks: per('workflowTasks'),
    activities: per('activities'),
    localActivities: per('localActivities'),
    timers: per('timers'),
  };
}
