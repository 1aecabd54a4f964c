/** Production entry point: a conversation worker only. Needs DATABASE_URL and TEMPORAL_ADDRESS. */
import { createConversationWorker, createWorkerDeps } from '../wiring';
import { requireEndpoint, runMain } from './run-main';

runMain('worker', async ({ config, logger, onShutdown }) => {
  const databaseUrl = requireEndpoint(config.databaseUrl, 'DATABASE_URL');
  const temporalAddress = requireEndpoint(config.temporal.address, 'TEMPORAL_ADDRESS');
  const { worker, close } = await createConversationWorker({
    config,
    temporalAddress,
    deps: createWorkerDeps(config, databaseUrl),
    logger,
  });
  const running = worker.run();
  onShutdown(async () => {
    // Stop polling, let in-flight tasks finish, then release connections.
    worker.shutdown();
    await running;
    await close();
  });
  logger.info({ taskQueue: config.temporal.taskQueue }, 'Worker polling');
  await running;
});
