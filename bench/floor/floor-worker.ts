/**
 * A worker for the floor workflow alone, on its own task queue, as a benchmark child process.
 * Reads TEMPORAL_ADDRESS, FLOOR_TASK_QUEUE, FLOOR_WORKFLOW_BUNDLE and BENCH_WORKER_TUNING; tells
 * its parent when it polls and, for every turn, when the reply would have been sent.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createFloorActivities } from './floor-activities';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    ...JSON.parse(process.env.BENCH_WORKER_TUNING ?? '{}'),
    connection,
    namespace: 'default',
    taskQueue: required('FLOOR_TASK_QUEUE'),
    workflowBundle: { codePath: required('FLOOR_WORKFLOW_BUNDLE') },
    activities: createFloorActivities(),
  });
  const running = worker.run();
  process.once('SIGTERM', () => worker.shutdown());
  process.send?.({ type: 'ready' });
  await running;
  await connection.close();
  process.exit(0);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the benchmark sets it when it starts this worker.`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
