import { bundleWorkflowCode } from '@temporalio/worker';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchChild, spawnTsChild } from '../support/child-process';
import type { ReplyTarget } from '../support/end-to-end-load';
import { createReplyWatch } from '../support/reply-watch';
import type { WorkerTuning } from '../../src/wiring';
import { FLOOR_SHAPES, type FloorShapeName } from './floor-shapes';
import { floorMessageSignal, floorMessageUpdate, floorWorkflow } from './floor-workflow';

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

/**
 * The name a floor shape goes by in reports: today's shape keeps the plain `floor` earlier reports
 * used for it, so the comparison with them holds.
 */
export function floorTargetName(shape: FloorShapeName): string {
  return shape === 'today' ? 'floor' : `floor ${shape}`;
}

/**
 * The floor as a benchmark target: a worker of its own, messages by signalWithStart or
 * update-with-start from a client of its own, with the SDK's plain data converter (the product's
 * payload encryption is work, and the floor does none).
 */
export interface FloorTarget extends ReplyTarget {
  worker: BenchChild;
  client: Client;
  workflowId(chatId: number): string;
  close(): Promise<void>;
}

export async function startFloor(args: {
  shape: FloorShapeName;
  temporalAddress: string;
  bundlePath: string;
  tuning?: WorkerTuning;
}): Promise<FloorTarget> {
  const { shape } = args;
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
  const connection = await Connection.connect({ address: args.temporalAddress });
  const temporal = new Client({ connection, namespace: 'default' });
  const workflowId = (chatId: number) => `floor-${shape}:${chatId}`;
  const start = { taskQueue: TASK_QUEUE, args: [{ shape }] as [{ shape: FloorShapeName }] };
  return {
    name: floorTargetName(shape),
    minGapMs: 0,
    worker,
    client: temporal,
    replies,
    workflowId,
    async send(chatId, token) {
      if (FLOOR_SHAPES[shape].intake === 'signal') {
        await temporal.workflow.signalWithStart(floorWorkflow, { ...start, workflowId: workflowId(chatId), signal: floorMessageSignal, signalArgs: [{ token }] });
        return;
      }
      // The update returns once its turn is done: that is the reply.
      await temporal.workflow.executeUpdateWithStart(floorMessageUpdate, {
        args: [{ token }],
        startWorkflowOperation: new WithStartWorkflowOperation(floorWorkflow, { ...start, workflowId: workflowId(chatId), workflowIdConflictPolicy: 'USE_EXISTING' }),
      });
      replies.arrived(token, Date.now());
    },
    async close() {
      worker.child.off('message', onMessage);
      replies.close();
      await worker.stop();
      await connection.close();
    },
  };
}
