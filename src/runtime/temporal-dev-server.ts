import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
// Not re-exported from the package root; it turns the SDK's type names into the proto enum.
import type { Logger } from 'pino';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { dynamicConfigArgs, searchAttributeArgs, SQLITE_PRAGMA_ARGS } from '../temporal/dev-server-settings';
import { registerSearchAttributes } from '../temporal/register-search-attributes';

export interface DevServer {
  /** gRPC address for clients and workers, `127.0.0.1:<port>`. */
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 200;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs `temporal server start-dev` as a child process, with its state in a SQLite file so
 * conversations survive restarts, and resolves once it answers gRPC calls for `namespace`.
 */
export async function startTemporalDevServer(opts: {
  cliPath: string;
  dataDir: string;
  namespace: string;
  port: number;
  uiPort: number;
  logger: Logger;
  /** Dynamic config on top of `DEV_SERVER_DYNAMIC_CONFIG`, e.g. a low continue-as-new threshold for a test. */
  dynamicConfig?: Record<string, unknown>;
  /** Where the Web UI decodes encrypted payloads: the app's `/codec/<token>` route. */
  uiCodecEndpoint?: string;
}): Promise<DevServer> {
  const { cliPath, dataDir, namespace, port, uiPort, logger } = opts;
  const address = `127.0.0.1:${port}`;
  await assertPortFree(port, `port ${port} is in use: another Temporal server is running; stop it or set TEMPORAL_ADDRESS=${address} to use it`);
  await assertPortFree(uiPort, `port ${uiPort} (Temporal UI) is in use; stop whatever listens there or set TEMPORAL_UI_PORT`);
  await mkdir(dataDir, { recursive: true });

  const child = spawn(
    cliPath,
    [
      ...['server', 'start-dev', '--db-filename', path.join(dataDir, 'temporal.sqlite'), ...SQLITE_PRAGMA_ARGS],
      ...['--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)],
      ...['--namespace', namespace, '--log-level', 'warn', '--ui-disable-news-fetch'],
      ...searchAttributeArgs(),
      ...dynamicConfigArgs(opts.dynamicConfig),
      ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The server logs connection-refused warnings while it boots and poll errors while it stops;
  // only warnings in between are worth a user's attention.
  let steady = false;
  const recentStderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => logger.debug({ temporal: line }, 'temporal dev server'));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    recentStderr.push(line);
    if (recentStderr.length > 20) recentStderr.shift();
    if (steady) logger.warn({ temporal: line }, 'temporal dev server');
    else logger.debug({ temporal: line }, 'temporal dev server');
  });
  let spawnError: Error | undefined;
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  }).then(() => {
    gone = true;
  });
  // A normal exit of this process must not leave the server holding its ports.
  const killOnExit = () => {
    if (isRunning(child)) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const stop = async () => {
    steady = false;
    process.off('exit', killOnExit);
    if (!isRunning(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    await Promise.race([
      waitUntilReady(address, namespace, () => !gone),
      exited.then(() => {
        if (spawnError) throw new Error(`could not run ${cliPath}: ${spawnError.message}`);
        throw new Error(
          `temporal server start-dev exited (code ${child.exitCode ?? child.signalCode}) before it was ready:\n` +
            (recentStderr.join('\n') || '(no output)'),
        );
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  steady = true;
  void exited.then(() => {
    if (steady) logger.error({ code: child.exitCode, signal: child.signalCode }, 'Temporal dev server exited unexpectedly');
  });
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  logger.info({ address, uiUrl }, 'Temporal dev server ready');
  return { address, uiUrl, stop };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Fails fast with a useful message instead of the CLI's bind error deep in its log. */
async function assertPortFree(port: number, message: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) throw new Error(message);
}

async function waitUntilReady(address: string, namespace: string, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline && isAlive()) {
    try {
      await probeTcp(address);
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.describeNamespace({ namespace });
        // `--search-attribute` only takes effect when the SQLite file is created, so an attribute
        // added to the code later would be missing from an existing `.data/`.
        await registerSearchAttributes({ connection, namespace, attributes: CONVERSATION_SEARCH_ATTRIBUTES });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await sleep(POLL_INTERVAL_MS);
    }
  }
  throw new Error(`Temporal dev server at ${address} was not ready after ${READY_TIMEOUT_MS / 1000} s: ${String(lastError)}`);
}

function probeTcp(address: string): Promise<void> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host, () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
