/**
 * `npm start`: the whole stack in one process, for development and small deployments. Starts the
 * Temporal dev server (unless TEMPORAL_ADDRESS is set) and an embedded PostgreSQL (unless
 * DATABASE_URL is set), both keeping their data under DATA_DIR, then migrates, and runs the worker
 * and the HTTP server. Ctrl-C stops everything, children included.
 */
import { resolve } from 'node:path';
import { startEmbeddedPostgres } from '../runtime/embedded-database';
import { ensureTemporalCli } from '../runtime/temporal-cli';
import { startTemporalDevServer } from '../runtime/temporal-dev-server';
import { createApiServices, createConversationWorker, createDiscordGatewayServices, createWorkerDeps, prepareDatabase, shutdownTelemetry } from '../wiring';
import { runMain } from './run-main';
import { serveHttp } from './serve-http';
import { startBanner } from './start-banner';

const PROJECT_ROOT = resolve(__dirname, '..', '..');

runMain('start', async ({ config, logger, onShutdown }) => {
  // Registered first, so it runs last: spans from the whole shutdown still leave.
  onShutdown(shutdownTelemetry);
  const dataDir = resolve(config.dataDir);

  const [temporal, databaseUrl] = await Promise.all([
    (async () => {
      if (config.temporal.address) return { address: config.temporal.address, uiUrl: undefined };
      const cliPath = await ensureTemporalCli({
        configuredPath: config.temporal.cliPath,
        projectRoot: PROJECT_ROOT,
        onProgress: (line) => logger.info({ component: 'temporal-cli' }, line),
      });
      logger.info({ cliPath }, 'Starting the Temporal dev server');
      const devServer = await startTemporalDevServer({
        cliPath,
        dataDir,
        namespace: config.temporal.namespace,
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        logger: logger.child({ component: 'temporal-dev-server' }),
        // The UI shows encrypted payloads as text through the app's codec route.
        uiCodecEndpoint:
          config.temporal.payloadKey && config.temporal.codec.uiToken
            ? `${config.publicUrl ?? `http://localhost:${config.port}`}/codec/${config.temporal.codec.uiToken}`
            : undefined,
      });
      onShutdown(() => devServer.stop());
      return { address: devServer.address, uiUrl: devServer.uiUrl };
    })(),
    (async () => {
      if (config.databaseUrl) return config.databaseUrl;
      logger.info('Starting the embedded PostgreSQL');
      const database = await startEmbeddedPostgres({
        dataDir,
        port: config.embeddedPostgresPort,
        logger: logger.child({ component: 'postgres' }),
      });
      onShutdown(() => database.stop());
      return database.connectionString;
    })(),
  ]);

  await prepareDatabase(config, databaseUrl, logger);

  logger.info('Starting the worker');
  const worker = await createConversationWorker({
    config,
    temporalAddress: temporal.address,
    deps: createWorkerDeps(config, databaseUrl, logger),
    logger,
  });
  const running = worker.worker.run();
  onShutdown(async () => {
    worker.worker.shutdown();
    await running;
    await worker.close();
  });

  const api = await createApiServices(config, { databaseUrl, temporalAddress: temporal.address }, logger);
  onShutdown(() => api.close());
  const server = await serveHttp(api.app, config.port, config.host);
  onShutdown(() => server.close());
  const discordGateway = await createDiscordGatewayServices(config, { databaseUrl, temporalAddress: temporal.address }, logger);
  onShutdown(() => discordGateway.close());

  // From process start (performance's time origin), loading the code included: what a user waits.
  const seconds = (performance.now() / 1000).toFixed(1);
  logger.info({ seconds }, 'Ready');
  process.stdout.write(startBanner({ config, port: server.port, temporalUiUrl: temporal.uiUrl, seconds }));
  await running;
});
