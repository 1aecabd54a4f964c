/** Production entry point: the Discord Gateway connections (mentions and DMs). Run one. Needs DATABASE_URL and TEMPORAL_ADDRESS. */
import { createDiscordGatewayServices } from '../wiring';
import { requireEndpoint, runMain } from './run-main';

runMain('discord-gateway', async ({ config, logger, onShutdown }) => {
  const endpoints = {
    databaseUrl: requireEndpoint(config.databaseUrl, 'DATABASE_URL'),
    temporalAddress: requireEndpoint(config.temporal.address, 'TEMPORAL_ADDRESS'),
  };
  const services = await createDiscordGatewayServices(config, endpoints, logger);
  onShutdown(() => services.close());
  logger.info('Discord Gateway running: one connection per bot with a Discord channel');
});
