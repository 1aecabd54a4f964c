import type { Client } from '@temporalio/client';
import type { ClosedLoopResult } from './closed-loop-load';
import { measureReplies, type ReplyTarget, warmUp } from './end-to-end-load';
import { type CpuPerTurn, cpuPerTurn, type CpuRoles, snapshotCpu } from './process-cpu';
import { probeTurnHistory, type TurnHistory } from './turn-history-probe';

/** One target measured the same way as every other in a run. */
export interface VariantMeasurement {
  result: ClosedLoopResult;
  /** CPU of each process per reply during the measured phase. */
  cpu: CpuPerTurn;
  /** From a real history, for targets that are workflows. */
  history?: TurnHistory;
  historyError?: string;
}

/**
 * Warms the target up (one message per chat), measures replies/s and latency with CPU snapshots of
 * its processes around the phase, then, for a workflow, probes one fresh chat's history.
 */
export async function measureVariant(
  target: ReplyTarget,
  args: {
    chatIds: number[];
    concurrency: number;
    durationMs: number;
    label?: string;
    /** The processes to bill, read when the phase starts (a worker may be started late). */
    cpuPids: () => CpuRoles;
    history?: { client: Client; workflowId: (chatId: number) => string; chatId: number; turns: number };
  },
): Promise<VariantMeasurement> {
  await warmUp(target, args.chatIds, args.concurrency);
  const pids = args.cpuPids();
  const before = snapshotCpu(pids);
  const repliesBefore = target.replies.count;
  const result = await measureReplies(target, args);
  const cpu = cpuPerTurn(before, snapshotCpu(pids), target.replies.count - repliesBefore);
  const measurement: VariantMeasurement = { result, cpu };
  if (args.history) {
    const { client, workflowId, chatId, turns } = args.history;
    try {
      measurement.history = await probeTurnHistory({ client, target, chatId, workflowId: workflowId(chatId), turns });
    } catch (error) {
      measurement.historyError = error instanceof Error ? error.message : String(error);
    }
  }
  return measurement;
}
