/** Production entry point: a conversation worker only. Needs DATABASE_URL and TEMPORAL_ADDRESS. */
import { createWorkerStatusApp } from '../http/worker-status-app';
import { processBreakers } from '../resilience/process-breakers';
import { createConversationWorker, createWorkerDeps, processMetrics, shutdownTelemetry } from '../wiring';
import { requireEndpoint, runMain } from './run-main';
import { serveHttp } from './serve-http';

runMain('worker', async ({ config, logger, onShutdown }) => {
  onShutdown(shutdownTelemetry);
  const databaseUrl = requireEndpoint(config.databaseUrl, 'DATABASE_URL');
  const temporalAddress = requireEndpoint(config.temporal.address, 'TEMPORAL_ADDRESS');
  const { worker, close } = await createConversationWorker({
    config,
    temporalAddress,
    deps: createWorkerDeps(config, databaseUrl, logger),
    logger,
  });
  const running = worker.run();
  onShutdown(async () => {
    // Stop polling, let in-flight tasks finish, then release connections.
    worker.shutdown();
    await running;
    await close();
  });
  if (config.metrics.port !== undefined) {
    const status = createWorkerStatusApp({ metrics: processMetrics(), isRunning: () => worker.getState() === 'RUNNING', circuitBreakers: () => processBreakers().states() });
    const server = await serveHttp(status, config.metrics.port, config.host);
    onShutdown(() => server.close());
    logger.info({ port: server.port }, 'Worker metrics on /metrics, liveness on /health/live, circuit breakers on /health/ready');
  }
  logger.info({ taskQueue: config.temporal.taskQueue }, 'Worker polling');
  await running;
});
