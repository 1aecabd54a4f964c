/**
 * The composition root: the only module that connects to the outside world and wires parts
 * together. Entry points call it with a `Config`; tests call it with their own.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { createBotDirectory } from './bots/bot-directory';
import { type ChannelDirectory, createChannelDirectory } from './channels/channel-directory';
import { defaultBotSettings } from './bots/default-bot';
import type { Config } from './config';
import { createMessageIntake } from './conversations/message-intake';
import { createDb } from './db/create-db';
import { migrateToLatest } from './db/migrate';
import { seedBot } from './db/queries/bots';
import type { Database } from './db/schema';
import { createApp } from './http/app';
import { createModelClient } from './model/create-model-client';
import type { ModelClient } from './model/model-client';
import { createHandoffMailer, type HandoffMailer } from './notifications/handoff-mailer';
import { createApiChannelAdapter } from './platforms/api-channel';
import { createMessagingAdapter, MESSAGING_PLATFORM_MODULES, platformBaseUrl } from './platforms/messaging-platforms';
import type { PlatformAdapters } from './platforms/platform-adapter';
import { createWebchatAdapter } from './platforms/webchat';
import { createMessageFeed } from './realtime/message-feed';
import { createPinoTemporalLogger } from './temporal/pino-temporal-logger';

/** Where the running stack's backing services are, once `npm start` or the operator has found them. */
export interface Endpoints {
  databaseUrl: string;
  temporalAddress: string;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

let runtimeInstalled = false;

/** Routes the Temporal SDK's own logs into pino. Once per process, before the first worker connection. */
export function installTemporalRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  // No shutdown signals: the entry point owns shutdown order (HTTP, then worker drain, then databases).
  Runtime.install({ logger: createPinoTemporalLogger(logger.child({ component: 'temporal' })), shutdownSignals: [] });
  runtimeInstalled = true;
}

export async function prepareDatabase(config: Config, databaseUrl: string, logger: Logger): Promise<void> {
  const db = createDb({ connectionString: databaseUrl, maxConnections: 2 });
  try {
    const { results } = await migrateToLatest(db);
    for (const result of results ?? []) logger.info({ migration: result.migrationName }, 'Migration applied');
    await seedBot(db, defaultBotSettings(config));
  } finally {
    await db.destroy();
  }
}

export interface ApiServices {
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export async function createApiServices(config: Config, endpoints: Endpoints, logger: Logger): Promise<ApiServices> {
  const db = createDb({ connectionString: endpoints.databaseUrl });
  const connection = await Connection.connect({ address: endpoints.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const feed = createMessageFeed({ connectionString: endpoints.databaseUrl, logger: logger.child({ component: 'feed' }) });
  const app = createApp({
    config,
    logger,
    db,
    temporal,
    intake: createMessageIntake({
      client: temporal,
      taskQueue: config.temporal.taskQueue,
      acceptTimeoutMs: config.acceptTimeoutMs,
    }),
    bots: createBotDirectory({ db, configuredBots: [defaultBotSettings(config)] }),
    channels: createChannels(config, db),
    platforms: MESSAGING_PLATFORM_MODULES,
    feed,
  });
  return {
    app,
    async close() {
      await feed.close();
      await connection.close();
      await db.destroy();
    },
  };
}

export interface WorkerDeps {
  db: Kysely<Database>;
  model: ModelClient;
  adapters: PlatformAdapters;
  encryptionKey: Buffer;
  handoffMailer?: HandoffMailer;
}

export function createWorkerDeps(config: Config, databaseUrl: string): WorkerDeps {
  const db = createDb({ connectionString: databaseUrl });
  const channels = createChannels(config, db);
  const messaging = Object.values(MESSAGING_PLATFORM_MODULES).map((module) =>
    createMessagingAdapter(module, { channels, baseUrl: platformBaseUrl(module.platform, config.platformBaseUrls) }),
  );
  return {
    db,
    model: createModelClient(config.openai),
    adapters: {
      webchat: createWebchatAdapter(),
      api: createApiChannelAdapter(),
      ...Object.fromEntries(messaging.map((adapter) => [adapter.platform, adapter])),
    },
    encryptionKey: config.channelEncryptionKey,
    handoffMailer: config.handoffEmail && createHandoffMailer(config.handoffEmail),
  };
}

/** Channel credentials: sealed in Postgres, or the default bot's from the environment. */
function createChannels(config: Config, db: Kysely<Database>): ChannelDirectory {
  const configured = new Map(
    Object.entries(config.defaultBotChannels).map(([platform, credentials]) => [`${config.defaultBot.id}:${platform}`, credentials]),
  );
  return createChannelDirectory({ db, encryptionKey: config.channelEncryptionKey, configured });
}

/** Worker settings a deployment or a benchmark may tune; unset fields keep the SDK's defaults. */
export type WorkerTuning = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentLocalActivityExecutions'
  | 'workflowTaskPollerBehavior'
  | 'activityTaskPollerBehavior'
  | 'maxEagerActivityReservationsPerWorkflowTask'
  | 'workflowThreadPoolSize'
>;

export interface ConversationWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * A worker for the conversation task queue. Pass `workflowBundle` to reuse a pre-built bundle
 * (tests build it once per run); otherwise the workflows are bundled from source at start.
 */
export async function createConversationWorker(args: {
  config: Config;
  temporalAddress: string;
  deps: WorkerDeps;
  logger: Logger;
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
}): Promise<ConversationWorker> {
  const { config, deps, logger } = args;
  const bundlePath = config.temporal.workflowBundlePath;
  const workflowBundle = args.workflowBundle ?? (bundlePath ? { codePath: bundlePath } : undefined);
  installTemporalRuntime(logger);
  const connection = await NativeConnection.connect({ address: args.temporalAddress });
  logger.info({ model: deps.model.description }, 'Replies come from the configured model');
  const worker = await Worker.create({
    ...args.tuning,
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities(deps),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
  return {
    worker,
    async close() {
      await connection.close();
      await deps.db.destroy();
    },
  };
}
