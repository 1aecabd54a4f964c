/** Production entry point: migrate the schema and seed the default bot, then exit. Needs DATABASE_URL. */
import { prepareDatabase } from '../wiring';
import { requireEndpoint, runMain } from './run-main';

runMain('migrate', async ({ config, logger }) => {
  await prepareDatabase(config, requireEndpoint(config.databaseUrl, 'DATABASE_URL'), logger);
  logger.info('Database is up to date');
  process.exit(0);
});
