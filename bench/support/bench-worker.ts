/**
 * The conversation worker as a benchmark child process: the product's worker, with the worker
 * settings from BENCH_WORKER_TUNING (JSON, `WorkerTuning`). Tells its parent over IPC when it polls.
 */
import { requireEndpoint, runMain } from '../../src/main/run-main';
import { createConversationWorker, createWorkerDeps, type WorkerTuning } from '../../src/wiring';

runMain('bench-worker', async ({ config, logger, onShutdown }) => {
  const tuning = JSON.parse(process.env.BENCH_WORKER_TUNING ?? '{}') as WorkerTuning;
  const { worker, close } = await createConversationWorker({
    config,
    temporalAddress: requireEndpoint(config.temporal.address, 'TEMPORAL_ADDRESS'),
    deps: createWorkerDeps(config, requireEndpoint(config.databaseUrl, 'DATABASE_URL')),
    logger,
    tuning,
  });
  const running = worker.run();
  onShutdown(async () => {
    worker.shutdown();
    await running;
    await close();
  });
  process.send?.({ type: 'ready' });
  await running;
});
