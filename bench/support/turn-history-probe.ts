import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { sleep } from './chat-pool';
import { roundTrip, type ReplyTarget } from './end-to-end-load';
import { countHistory, type HistoryCounts, type HistoryEventJson, historyIsQuiet, historyPerTurn, type HistoryPerTurn } from './history-counts';

/** What one conversation's real history says a turn costs. */
export interface TurnHistory {
  /** The workflow's start and its first turn. */
  opening: HistoryCounts;
  perTurn: HistoryPerTurn;
}

/**
 * Opens a fresh chat with one message, then sends `turns` more, one at a time, each after the
 * previous reply (and the target's pacing gap); reads the workflow's history after the first and
 * after the last, each once it has settled, and counts what the later turns added.
 */
export async function probeTurnHistory(args: {
  client: Client;
  target: ReplyTarget;
  chatId: number;
  workflowId: string;
  turns: number;
}): Promise<TurnHistory> {
  const { client, target, chatId, workflowId, turns } = args;
  let { repliedAt } = await roundTrip(target, chatId, `${target.name}-history`);
  const first = await settledHistory(client, workflowId);
  for (let i = 0; i < turns; i++) {
    await sleep(Math.max(0, repliedAt + target.minGapMs - Date.now()));
    ({ repliedAt } = await roundTrip(target, chatId, `${target.name}-history`));
  }
  const later = await settledHistory(client, workflowId);
  if (later.runId !== first.runId) throw new Error(`${workflowId} continued as new during the history probe; its counts would not add up`);
  return { opening: first.counts, perTurn: historyPerTurn(first.counts, later.counts, turns) };
}

/** The latest run's history once its last workflow task is done and nothing more comes for a moment. */
async function settledHistory(client: Client, workflowId: string, timeoutMs = 15_000): Promise<{ runId: string; counts: HistoryCounts }> {
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  for (;;) {
    const handle = client.workflow.getHandle(workflowId);
    const { runId } = await handle.describe();
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = (JSON.parse(historyToJSON(history)) as { events?: HistoryEventJson[] }).events ?? [];
    if (historyIsQuiet(events) && events.length === previous) return { runId, counts: countHistory(events) };
    if (Date.now() > deadline) throw new Error(`the history of ${workflowId} did not settle within ${timeoutMs / 1000} s`);
    previous = events.length;
    await sleep(250);
  }
}
