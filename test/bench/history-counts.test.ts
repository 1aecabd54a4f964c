import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countHistory, type HistoryEventJson, historyIsQuiet, historyPerTurn } from '../../bench/support/history-counts';

const event = (eventType: string, markerName?: string): HistoryEventJson => ({
  eventType: `EVENT_TYPE_${eventType}`,
  ...(markerName && { markerRecordedEventAttributes: { markerName } }),
});

/** A workflow task: scheduled, started, completed. */
const task = () => [event('WORKFLOW_TASK_SCHEDULED'), event('WORKFLOW_TASK_STARTED'), event('WORKFLOW_TASK_COMPLETED')];

describe('countHistory', () => {
  it('counts a turn of the new shape: a signal, a local activity and one activity', () => {
    const turn = [
      event('WORKFLOW_EXECUTION_SIGNALED'),
      ...task(),
      event('MARKER_RECORDED', 'core_local_activity'),
      event('ACTIVITY_TASK_SCHEDULED'),
      event('ACTIVITY_TASK_STARTED'),
      event('ACTIVITY_TASK_COMPLETED'),
      ...task(),
    ];
    expect(countHistory(turn)).toEqual({ events: 11, workflowTasks: 2, activities: 1, localActivities: 1, timers: 0, inbound: 1 });
  });

  it('counts updates as inbound, timers, and markers that are not local activities as neither', () => {
    const events = [event('WORKFLOW_EXECUTION_UPDATE_ACCEPTED'), event('WORKFLOW_EXECUTION_UPDATE_COMPLETED'), event('TIMER_STARTED'), event('TIMER_CANCELED'), event('MARKER_RECORDED', 'core_patch')];
    expect(countHistory(events)).toMatchObject({ inbound: 1, timers: 1, localActivities: 0 });
  });

  it('reads a real history as `temporal workflow show --output json` writes it', () => {
    const history = JSON.parse(readFileSync(join(__dirname, '..', 'replay', 'histories', 'conversationV2', 'conversation-ended-idle.json'), 'utf8')) as { events: HistoryEventJson[] };
    const counts = countHistory(history.events);
    expect(counts.events).toBe(history.events.length);
    expect(counts.workflowTasks).toBe(history.events.filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED').length);
    expect(counts.workflowTasks).toBeGreaterThan(0);
    expect(counts.localActivities).toBeGreaterThan(0);
  });
});

describe('historyIsQuiet', () => {
  it('is quiet once the last workflow task is done, with what it decided written after it', () => {
    expect(historyIsQuiet([...task()])).toBe(true);
    expect(historyIsQuiet([...task(), event('MARKER_RECORDED', 'core_local_activity'), event('WORKFLOW_EXECUTION_UPDATE_COMPLETED'), event('TIMER_STARTED')])).toBe(true);
  });

  it('is not quiet while an activity is open or a workflow task is to run', () => {
    expect(historyIsQuiet([...task(), event('ACTIVITY_TASK_SCHEDULED'), event('ACTIVITY_TASK_STARTED')])).toBe(false);
    expect(historyIsQuiet([...task(), event('ACTIVITY_TASK_SCHEDULED'), event('ACTIVITY_TASK_STARTED'), event('ACTIVITY_TASK_COMPLETED'), event('WORKFLOW_TASK_SCHEDULED')])).toBe(false);
    expect(historyIsQuiet([...task(), event('WORKFLOW_EXECUTION_SIGNALED'), event('WORKFLOW_TASK_SCHEDULED'), event('WORKFLOW_TASK_STARTED')])).toBe(false);
    expect(historyIsQuiet([])).toBe(false);
  });
});

describe('historyPerTurn', () => {
  it('divides what the later turns added by their number, leaving the opening out', () => {
    const first = { events: 60, workflowTasks: 8, activities: 7, localActivities: 1, timers: 1, inbound: 1 };
    const later = { events: 285, workflowTasks: 43, activities: 37, localActivities: 6, timers: 11, inbound: 6 };
    expect(historyPerTurn(first, later, 5)).toEqual({ turns: 5, events: 45, workflowTasks: 7, activities: 6, localActivities: 1, timers: 2 });
  });

  it('keeps one decimal when turns do not divide evenly', () => {
    const zero = { events: 0, workflowTasks: 0, activities: 0, localActivities: 0, timers: 0, inbound: 0 };
    expect(historyPerTurn(zero, { ...zero, events: 10, workflowTasks: 7 }, 3)).toMatchObject({ events: 3.3, workflowTasks: 2.3 });
  });
});
