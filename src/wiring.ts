/**
 * The composition root: the only module that connects to the outside world and wires parts
 * together. Entry points call it with a `Config`; tests call it with their own.
 */
import { processBreakers } from './resilience/process-breakers';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { type ActivityDeps, createActivities } from '../activities';
import { createBotDirectory } from './bots/bot-directory';
import { type ChannelDirectory, createChannelDirectory } from './channels/channel-directory';
import { defaultBotSettings } from './bots/default-bot';
import type { Config } from './config';
import { createMessageIntake } from './temporal/message-intake';
import { createDb, dbPoolStats } from './db/create-db';
import { migrateToLatest } from './db/migrate';
import { findBot, seedBot } from './db/queries/bots';
import { countUnendedConversations } from './db/queries/conversations';
import type { Database } from './db/schema';
import { createApp } from './http/app';
import { createMetrics, type Metrics } from './metrics/metrics';
import { createModelClient } from './model/create-model-client';
import { createHandoffMailer } from './notifications/handoff-mailer';
import { createApiChannelAdapter } from './platforms/api-channel';
import { DiscordCredentialsSchema } from './platforms/discord';
import { type DiscordGateways, startDiscordGateways } from './platforms/discord-gateway';
import { normaliseInbound } from './conversations/normalise-inbound';
import { createMessagingAdapter, MESSAGING_PLATFORM_MODULES } from './platforms/messaging-platforms';
import { createWebchatAdapter } from './platforms/webchat';
import { createMessageFeed } from './realtime/message-feed';
import { startTracing, type Tracing } from './telemetry/tracing';
import { createPinoTemporalLogger } from './temporal/pino-temporal-logger';
import { createLogger } from './logger';
import { requestTraceInterceptor } from './temporal/request-trace-interceptor';
import { workerBundlePath } from './temporal/traced-bundle-path';
import { cachedWorkflowBundles } from './temporal/workflow-bundle';
import { createDataConverter } from './temporal/data-converter';

/** Where the running stack's backing services are, once `npm start` or the operator has found them. */
export interface Endpoints {
  databaseUrl: string;
  temporalAddress: string;
}


let runtimeInstalled = false;
let metrics: Metrics | undefined;
let tracing: Tracing | undefined;

/** The process's metrics: the API and the worker share them when they run in one process. */
export function processMetrics(): Metrics {
  metrics ??= createMetrics();
  return metrics;
}

/** The process's tracing: real when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, no-op otherwise. */
export function processTracing(config: Pick<Config, 'tracing'>): Tracing {
  tracing ??= startTracing({ endpoint: config.tracing.otlpEndpoint, serviceName: config.tracing.serviceName });
  return tracing;
}

/** Flushes spans still buffered. Entry points call it last. */
export async function shutdownTelemetry(): Promise<void> {
  await tracing?.shutdown();
}

/**
 * Once per process, before the first worker connection: routes the Temporal SDK's own logs into
 * pino and, when `TEMPORAL_METRICS_PORT` is set, serves the SDK's worker metrics for Prometheus.
 */
export function installTemporalRuntime(config: Pick<Config, 'metrics'>, logger: Logger): void {
  if (runtimeInstalled) return;
  const { temporalPort } = config.metrics;
  Runtime.install({
    logger: createPinoTemporalLogger(logger.child({ component: 'temporal' })),
    // No shutdown signals: the entry point owns shutdown order (HTTP, then worker drain, then databases).
    shutdownSignals: [],
    ...(temporalPort !== undefined && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${temporalPort}`, useSecondsForDurations: true } } },
    }),
  });
  if (temporalPort !== undefined) logger.info({ port: temporalPort }, 'Temporal SDK metrics for Prometheus on /metrics');
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
  const traces = processTracing(config);
  const temporal = new Client({
    connection,
    namespace: config.temporal.namespace,
    interceptors: traces.clientInterceptors,
    dataConverter: createDataConverter(config.temporal.payloadKey),
  });
  const feed = createMessageFeed({ connectionString: endpoints.databaseUrl, logger: logger.child({ component: 'feed' }) });
  const metrics = processMetrics();
  metrics.countActiveConversations(() => countUnendedConversations(db));
  metrics.watchDbPool(() => dbPoolStats(db));
  const app = createApp({
    config,
    logger,
    db,
    temporal,
    intake: createMessageIntake({
      client: temporal,
      taskQueue: config.temporal.taskQueue,
      acceptTimeoutMs: config.acceptTimeoutMs,
      logger: logger.child({ component: 'intake' }),
    }),
    bots: createBotDirectory({ lookup: (botId) => findBot(db, botId), configuredBots: [defaultBotSettings(config)] }),
    channels: createChannels(config, db),
    platforms: MESSAGING_PLATFORM_MODULES,
    feed,
    circuitBreakers: () => processBreakers().states(),
    metrics,
    traced: traces.enabled,
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

export interface DiscordGatewayServices {
  gateways: DiscordGateways;
  close(): Promise<void>;
}

/**
 * The Discord Gateway connections (mentions and DMs), one per bot with a Discord channel. One
 * process runs them: `npm start` does, and in production `npm run start:discord-gateway`. A second
 * copy would answer nothing twice (messages are deduplicated by id), but would double the traffic.
 */
export async function createDiscordGatewayServices(config: Config, endpoints: Endpoints, logger: Logger): Promise<DiscordGatewayServices> {
  const db = createDb({ connectionString: endpoints.databaseUrl });
  const connection = await Connection.connect({ address: endpoints.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: createDataConverter(config.temporal.payloadKey) });
  const intake = createMessageIntake({
    client: temporal,
    taskQueue: config.temporal.taskQueue,
    acceptTimeoutMs: config.acceptTimeoutMs,
    logger: logger.child({ component: 'intake' }),
  });
  const channels = createChannels(config, db);
  const gateways = startDiscordGateways({
    listChannels: async () =>
      (await channels.list('discord')).flatMap(({ botId, credentials }) => {
        const parsed = DiscordCredentialsSchema.safeParse(credentials);
        return parsed.success ? [{ botId, credentials: parsed.data }] : [];
      }),
    accept: (message) => intake.accept(normaliseInbound(message)),
    baseUrl: config.platformBaseUrls.discord,
    logger: logger.child({ component: 'discord-gateway' }),
  });
  return {
    gateways,
    async close() {
      await gateways.close();
      await connection.close();
      await db.destroy();
    },
  };
}

/** What the worker's activities need: the activities' own declaration of it, built here. */
export type WorkerDeps = ActivityDeps;

/** `logger`: the process's, which the circuit breakers log their opening and closing to. */
export function createWorkerDeps(config: Config, databaseUrl: string, logger: Logger = createLogger({ level: config.logLevel, format: config.logFormat })): WorkerDeps {
  const db = createDb({ connectionString: databaseUrl });
  const channels = createChannels(config, db);
  const messaging = Object.values(MESSAGING_PLATFORM_MODULES).map((module) =>
    createMessagingAdapter(module, { channels, baseUrl: config.platformBaseUrls[module.platform] }),
  );
  const metrics = processMetrics();
  metrics.watchDbPool(() => dbPoolStats(db));
  const breakers = processBreakers({ settings: config.circuitBreaker, metrics, logger: logger.child({ component: 'circuit-breakers' }) });
  return {
    db,
    breakers,
    model: createModelClient(config.openai),
    modelPrices: config.openai.prices,
    adapters: {
      webchat: createWebchatAdapter({ db }),
      api: createApiChannelAdapter(),
      ...Object.fromEntries(messaging.map((adapter) => [adapter.platform, adapter])),
    },
    encryptionKey: config.channelEncryptionKey,
    metrics,
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

/**
 * On shutdown (SIGTERM, a rolling deploy) the worker stops polling at once, then lets in-flight
 * activities finish for up to the longest activity timeout (the model call's 60 s start-to-close).
 * The SDK's default grace of 0 cancels them the moment shutdown starts. After the grace the
 * stragglers are cancelled, and past the force time the worker gives up, so the process always ends.
 */
export const WORKER_SHUTDOWN_GRACE_MS = 60_000;
const WORKER_SHUTDOWN_FORCE_MS = WORKER_SHUTDOWN_GRACE_MS + 15_000;

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
 * (tests build it once per run); otherwise WORKFLOW_BUNDLE_PATH's, or the bundle cache's, which
 * builds only when a workflow source changed.
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
  const traces = processTracing(config);
  const bundlePath =
    config.temporal.workflowBundlePath ??
    (await cachedWorkflowBundles({ onBuild: (reason) => logger.info(`Bundling the workflows: ${reason}`) })).path;
  // Temporal's OpenTelemetry workflow interceptors double a workflow task's CPU even when their
  // spans go nowhere, so only a worker that traces loads the bundle that holds them.
  const workflowBundle = args.workflowBundle ?? { codePath: workerBundlePath(bundlePath, traces.enabled) };
  installTemporalRuntime(config, logger);
  const connection = await NativeConnection.connect({ address: args.temporalAddress });
  logger.info({ model: deps.model.description }, 'Replies come from the configured model');
  const worker = await Worker.create({
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    ...args.tuning,
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities(deps),
    interceptors: { activity: [requestTraceInterceptor, ...(traces.workerInterceptors.activity ?? [])] },
    sinks: traces.workerSinks,
    shutdownGraceTime: WORKER_SHUTDOWN_GRACE_MS,
    shutdownForceTime: WORKER_SHUTDOWN_FORCE_MS,
    workflowBundle,
    dataConverter: createDataConverter(config.temporal.payloadKey),
  });
  return {
    worker,
    async close() {
      await connection.close();
      await deps.db.destroy();
    },
  };
}
