import { bundleWorkflowCode } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchChild, spawnTsChild } from '../support/child-process';
import { createReplyWatch, type ReplyWatch } from '../support/reply-watch';
import type { WorkerTuning } from '../../src/wiring';
import { floorMessageSignal, type floorWorkflow } from './floor-workflow';

const TASK_QUEUE = 'floor';

/** Bundles the floor workflow on its own, apart from the product's workflows. */
export async function writeFloorBundle(dir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./floor-workflow'),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => process.stderr.write(`[bundler] ${m}\n`) },
  });
  const path = join(dir, 'floor-bundle.js');
  writeFileSync(path, code);
  return path;
}

/** The floor as a benchmark target: messages go in by signalWithStart, replies come back over IPC. */
export interface FloorTarget {
  worker: BenchChild;
  replies: ReplyWatch;
  send(chatId: number, token: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFloor(args: { temporal: Client; temporalAddress: string; bundlePath: string; tuning?: WorkerTuning }): Promise<FloorTarget> {
  const worker = spawnTsChild('floor worker', 'bench/floor/floor-worker.ts', {
    TEMPORAL_ADDRESS: args.temporalAddress,
    FLOOR_TASK_QUEUE: TASK_QUEUE,
    FLOOR_WORKFLOW_BUNDLE: args.bundlePath,
    BENCH_WORKER_TUNING: JSON.stringify(args.tuning ?? {}),
  });
  await worker.nextMessage((message) => message?.type === 'ready');
  const replies = createReplyWatch();
  const onMessage = (message: any) => {
    if (message?.type === 'reply') for (const token of message.tokens as string[]) replies.arrived(token, message.at);
  };
  worker.child.on('message', onMessage);
  return {
    worker,
    replies,
    async send(chatId, token) {
      await args.temporal.workflow.signalWithStart<typeof floorWorkflow, [{ token: string }]>('floorWorkflow', {
        workflowId: `floor:${chatId}`,
        taskQueue: TASK_QUEUE,
        args: [{}],
        signal: floorMessageSignal,
        signalArgs: [{ token }],
      });
    },
    async close() {
      worker.child.off('message', onMessage);
      replies.close();
      await worker.stop();
    },
  };
}
