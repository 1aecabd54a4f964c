import type { Logger } from 'pino';
import { ConfigError, type Config, loadConfig } from '../config';
import { createLogger } from '../logger';
import { watchForOrphaning } from '../runtime/orphan-guard';

/** Past the worker's own forced stop (75 s), the process exits whatever is left. */
const SHUTDOWN_DEADLINE_MS = 90_000;

/**
 * Runs an entry point: loads the configuration (one line per bad variable, exit 1), makes the
 * logger, and turns the first SIGINT, SIGTERM or SIGHUP, or the death of the parent process, into
 * one orderly shutdown that stops every server this process started.
 */
export function runMain(
  name: string,
  main: (ctx: { config: Config; logger: Logger; onShutdown: (fn: () => Promise<void>) => void }) => Promise<void>,
): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat }).child({ process: name });
  const shutdownSteps: Array<() => Promise<void>> = [];
  let shuttingDown = false;

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'Shutting down');
    // A step that cannot finish (the worker draining towards a Temporal server that is gone) must
    // not leave the process running with nobody to stop it.
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'Shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // Last registered, first stopped: the HTTP server goes before the database it reads.
    for (const step of shutdownSteps.reverse()) {
      await step().catch((error: unknown) => logger.error({ err: error }, 'Shutdown step failed'));
    }
    logger.info('Stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGHUP', () => void shutdown('SIGHUP'));
  watchForOrphaning(() => void shutdown('parent exited'));

  main({ config, logger, onShutdown: (fn) => shutdownSteps.push(fn) }).catch(async (error: unknown) => {
    logger.fatal({ err: error }, `${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown('fatal');
    process.exit(1);
  });
}

/** The production entry points need their servers named: they never start embedded ones. */
export function requireEndpoint(value: string | undefined, variable: string): string {
  if (!value) throw new Error(`${variable} is not set. This entry point needs an existing server; use npm start for a local stack.`);
  return value;
}
