import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { BotSettings } from '../../src/conversations/bot-settings';
import { type Config, loadConfig } from '../../src/config';
import { createDataConverter } from '../../src/temporal/data-converter';
import { createDb } from '../../src/db/create-db';
import { updateBot } from '../../src/db/queries/bots';
import { createLogger } from '../../src/logger';
import type { Database } from '../../src/db/schema';
import { serveHttp } from '../../src/main/serve-http';
import { createApiServices, createConversationWorker, createWorkerDeps, prepareDatabase } from '../../src/wiring';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai';
import { createTestDatabase } from './test-database';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { readTestRun } from './test-run';

export const TEST_ADMIN_KEY = 'test-admin-key';

export interface TestStackOptions {
  /** Overrides for the stack's bot, written to its row after seeding. */
  bot?: Partial<Omit<BotSettings, 'id'>>;
  /** Extra environment for `loadConfig`. */
  env?: Record<string, string>;
  /** Start the in-process worker at once. Default true. */
  worker?: boolean;
  /** Keep every log line the stack writes, at debug level, in `stack.logs`. */
  captureLogs?: boolean;
  /** Route the stack's connections to Postgres or Temporal through a proxy the test can cut. */
  proxy?: { database?: boolean; temporal?: boolean };
}

/**
 * The whole product for one test file, on the run's real Postgres and Temporal: its own database,
 * task queue and bot, a fake OpenAI server, the HTTP API served on a random port, and a worker.
 */
export interface TestStack {
  config: Config;
  botId: string;
  databaseUrl: string;
  db: Kysely<Database>;
  temporal: Client;
  fakeOpenAI: FakeOpenAI;
  baseUrl: string;
  proxies: { database?: TcpProxy; temporal?: TcpProxy };
  /** The log lines written so far, when `captureLogs` was set. */
  logs: string[];
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** Where a stack runs: a database of its own, a Temporal server and a pre-built workflow bundle. */
export interface StackServers {
  database: { url: string; drop(): Promise<void> };
  temporalAddress: string;
  workflowBundlePath: string;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const run = readTestRun();
  const servers = {
    database: await createTestDatabase(),
    temporalAddress: run.temporalAddress,
    workflowBundlePath: run.workflowBundlePath,
  };
  return startStack(servers, options);
}

/** The product on the given servers; `startTestStack` for tests, benchmarks with their own servers. */
export async function startStack(servers: StackServers, options: TestStackOptions = {}): Promise<TestStack> {
  const run = { temporalAddress: servers.temporalAddress, workflowBundlePath: servers.workflowBundlePath };
  const database = servers.database;
  const logs: string[] = [];
  // The product's own logger, redaction included, so tests see what production would write.
  const logger = options.captureLogs
    ? createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } })
    : createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const fakeOpenAI = await startFakeOpenAI();
  const botId = `bot-${randomBytes(4).toString('hex')}`;
  const proxies = {
    database: options.proxy?.database ? await startTcpProxy(hostAndPort(new URL(database.url).host)) : undefined,
    temporal: options.proxy?.temporal ? await startTcpProxy(hostAndPort(run.temporalAddress)) : undefined,
  };
  const databaseUrl = proxies.database ? withPort(database.url, proxies.database.port) : database.url;
  const temporalAddress = proxies.temporal ? `127.0.0.1:${proxies.temporal.port}` : run.temporalAddress;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${botId}`,
    WORKFLOW_BUNDLE_PATH: run.workflowBundlePath,
    DEFAULT_BOT_ID: botId,
    DEFAULT_BOT_DEBOUNCE_MS: '0',
    OPENAI_API_KEY: 'test-openai-key',
    OPENAI_BASE_URL: fakeOpenAI.baseUrl,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    // Set, so no test writes development secrets into the checkout's data directory.
    WEBCHAT_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    CHANNEL_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    TEMPORAL_PAYLOAD_KEY: randomBytes(32).toString('base64'),
    TEMPORAL_CODEC_UI_TOKEN: randomBytes(24).toString('base64url'),
    LOG_LEVEL: 'silent',
    // Many tests probe wrong keys on purpose; the limit itself has a test of its own.
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
    ...options.env,
  });
  const endpoints = { databaseUrl, temporalAddress };

  await prepareDatabase(config, database.url, logger);
  const db = createDb({ connectionString: database.url, maxConnections: 4 });
  if (options.bot) await updateBot(db, botId, options.bot);

  const api = await createApiServices(config, endpoints, logger);
  const server = await serveHttp(api.app, 0);
  const connection = await Connection.connect({ address: run.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: createDataConverter(config.temporal.payloadKey) });

  let worker: { stop(): Promise<void> } | undefined;
  const stack: TestStack = {
    config,
    botId,
    databaseUrl: database.url,
    db,
    temporal,
    fakeOpenAI,
    baseUrl: `http://127.0.0.1:${server.port}`,
    proxies,
    logs,
    async startWorker() {
      if (worker) return;
      const created = await createConversationWorker({
        config,
        temporalAddress,
        deps: createWorkerDeps(config, databaseUrl, logger),
        logger,
      });
      const running = created.worker.run();
      worker = {
        async stop() {
          created.worker.shutdown();
          await running;
          await created.close();
        },
      };
    },
    async stopWorker() {
      const current = worker;
      worker = undefined;
      await current?.stop();
    },
    async close() {
      await stack.stopWorker();
      await server.close();
      await api.close();
      await connection.close();
      await db.destroy();
      await fakeOpenAI.close();
      await Promise.all([proxies.database?.close(), proxies.temporal?.close()]);
      await database.drop();
    },
  };
  if (options.worker !== false) await stack.startWorker();
  return stack;
}

function hostAndPort(hostPort: string): { host: string; port: number } {
  const [host, port] = hostPort.split(':');
  return { host: host === 'localhost' ? '127.0.0.1' : host!, port: Number(port) };
}

function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
}
