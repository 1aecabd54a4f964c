import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createDataConverter } from '../../src/temporal/data-converter';
import { loadConfig } from '../../src/config';
import { createMessageIntake, type MessageIntake } from '../../src/temporal/message-intake';
import { prepareDatabase, type WorkerTuning } from '../../src/wiring';
import { type FakeOpenAI, startFakeOpenAI } from '../../test/fakes/fake-openai';
import { type FakeTelegram, startFakeTelegram } from '../../test/fakes/fake-telegram';
import { findFreePort } from '../../test/support/free-port';
import type { BenchServers } from './bench-servers';
import { type BenchChild, spawnTsChild } from './child-process';
import { createReplyWatch, type ReplyWatch, watchTelegram } from './reply-watch';
import { TELEGRAM } from './telegram-traffic';

export const BENCH_BOT_ID = 'bench';
export const BENCH_ADMIN_KEY = 'bench-admin-key';
const TASK_QUEUE = 'conversations';

/**
 * The product on benchmark servers, as it runs in production: the HTTP API (`src/main/api.ts`) and
 * the conversation worker each in a child process of their own, a bot with a 0 ms debounce window
 * on Telegram, and the test fakes for OpenAI (answers at once) and the Telegram Bot API.
 */
export interface BenchStack {
  baseUrl: string;
  webhookUrl: string;
  temporal: Client;
  /** The product's own path into Temporal, without HTTP: one signalWithStart per message. */
  intake: MessageIntake;
  fakeOpenAI: FakeOpenAI;
  fakeTelegram: FakeTelegram;
  replies: ReplyWatch;
  api: BenchChild;
  worker: BenchChild | undefined;
  startWorker(tuning?: WorkerTuning): Promise<BenchChild>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchStack(servers: BenchServers, logger: Logger): Promise<BenchStack> {
  const fakeOpenAI = await startFakeOpenAI();
  const fakeTelegram = await startFakeTelegram({ botToken: TELEGRAM.botToken });
  const port = await findFreePort();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: servers.database.url,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    WORKFLOW_BUNDLE_PATH: servers.workflowBundlePath,
    DEFAULT_BOT_ID: BENCH_BOT_ID,
    DEFAULT_BOT_DEBOUNCE_MS: '0',
    OPENAI_API_KEY: 'bench-openai-key',
    OPENAI_BASE_URL: fakeOpenAI.baseUrl,
    ADMIN_API_KEY: BENCH_ADMIN_KEY,
    WEBCHAT_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    CHANNEL_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    TEMPORAL_PAYLOAD_KEY: randomBytes(32).toString('base64'),
    TEMPORAL_CODEC_UI_TOKEN: randomBytes(24).toString('base64url'),
    RATE_LIMIT_API_PER_MINUTE: '100000000',
    RATE_LIMIT_WEBHOOK_IP_PER_MINUTE: '100000000',
    TELEGRAM_BOT_TOKEN: TELEGRAM.botToken,
    TELEGRAM_SECRET_TOKEN: TELEGRAM.secretToken,
    TELEGRAM_API_BASE_URL: fakeTelegram.baseUrl,
  };
  const config = loadConfig(env);
  await prepareDatabase(config, servers.database.url, logger);

  const baseUrl = `http://127.0.0.1:${port}`;
  const api = spawnTsChild('HTTP API', 'src/main/api.ts', env);
  await waitForHealth(baseUrl, api);
  const connection = await Connection.connect({ address: servers.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: createDataConverter(config.temporal.payloadKey) });
  const replies = createReplyWatch();
  watchTelegram(replies, fakeTelegram);

  const stack: BenchStack = {
    baseUrl,
    webhookUrl: `${baseUrl}/webhooks/telegram/${BENCH_BOT_ID}`,
    temporal,
    intake: createMessageIntake({ client: temporal, taskQueue: TASK_QUEUE }),
    fakeOpenAI,
    fakeTelegram,
    replies,
    api,
    worker: undefined,
    async startWorker(tuning = {}) {
      await stack.stopWorker();
      const worker = spawnTsChild('conversation worker', 'bench/support/bench-worker.ts', {
        ...env,
        BENCH_WORKER_TUNING: JSON.stringify(tuning),
      });
      await worker.nextMessage((message) => message?.type === 'ready');
      stack.worker = worker;
      return worker;
    },
    async stopWorker() {
      const worker = stack.worker;
      stack.worker = undefined;
      await worker?.stop();
    },
    async close() {
      replies.close();
      await stack.stopWorker();
      await api.stop();
      await connection.close();
      await Promise.all([fakeOpenAI.close(), fakeTelegram.close()]);
    },
  };
  return stack;
}

async function waitForHealth(baseUrl: string, api: BenchChild): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (api.child.exitCode !== null) throw new Error(`The HTTP API exited (code ${api.child.exitCode}):\n${api.recentOutput()}`);
    const ok = await fetch(`${baseUrl}/health/live`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`The HTTP API did not answer /health/live within 60 s:\n${api.recentOutput()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
