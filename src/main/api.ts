/** Production entry point: the HTTP API only. Needs DATABASE_URL and TEMPORAL_ADDRESS. */
import { createApiServices, shutdownTelemetry } from '../wiring';
import { requireEndpoint, runMain } from './run-main';
import { serveHttp } from './serve-http';

runMain('api', async ({ config, logger, onShutdown }) => {
  onShutdown(shutdownTelemetry);
  const endpoints = {
    databaseUrl: requireEndpoint(config.databaseUrl, 'DATABASE_URL'),
    temporalAddress: requireEndpoint(config.temporal.address, 'TEMPORAL_ADDRESS'),
  };
  const services = await createApiServices(config, endpoints, logger);
  onShutdown(() => services.close());
  const server = await serveHttp(services.app, config.port, config.host);
  onShutdown(() => server.close());
  logger.info({ port: server.port }, 'HTTP API listening');
});
