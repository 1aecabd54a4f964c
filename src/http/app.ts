import { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { BotDirectory } from '../bots/bot-directory';
import type { ChannelDirectory } from '../channels/channel-directory';
import type { MessagingPlatform } from '../platforms/messaging-platform';
import type { Config } from '../config';
import type { MessageIntake } from '../temporal/message-intake';
import type { Database } from '../db/schema';
import type { Metrics } from '../metrics/metrics';
import type { MessageFeed } from '../realtime/message-feed';
import type { AppEnv } from './app-env';
import { createApiDocument } from './openapi/api-document';
import { auditTrail } from './middleware/audit-trail';
import { authenticate } from './middleware/authenticate';
import { authorize } from './middleware/authorize';
import { clientAddressBehind, createRateCounter, rateLimit } from './middleware/rate-limit';
import { createPostgresRateStore } from './middleware/rate-store';
import { bodySizeLimit } from './middleware/body-size-limit';
import { handleError, handleNotFound } from './middleware/error-handler';
import { httpMetrics } from './middleware/http-metrics';
import { requestContext } from './middleware/request-context';
import { httpTracing } from '../telemetry/tracing';
import { createAnalyticsRoutes } from './routes/analytics';
import { createConsoleApp } from './console/console-app';
import { createApiDocsRoutes } from './routes/api-docs';
import { createApiChannelRoutes } from './routes/api-channel';
import { createBotToolRoutes } from './routes/bot-tools';
import { createBotRoutes } from './routes/bots';
import { createApiKeyRoutes } from './routes/api-keys';
import { createChannelRoutes } from './routes/channels';
import { createChatPageRoutes } from './routes/chat-page';
import { createCodecRoutes } from './routes/codec';
import { AesGcmPayloadCodec } from '../temporal/payload-codec';
import { createProactiveConversationRoutes } from './routes/proactive-conversations';
import { createMediaRoutes } from './routes/media';
import { createConversationRoutes } from './routes/conversations';
import { createHealthRoutes } from './routes/health';
import { createMetricsRoutes } from './routes/metrics';
import { createWebchatRoutes } from './routes/webchat';
import { createWebhookSubscriptionRoutes } from './routes/webhook-subscriptions';
import { createWebhookRoutes } from './routes/webhooks';

export interface AppDeps {
  config: Pick<
    Config,
    'adminApiKey' | 'console' | 'maxBodyBytes' | 'replyWaitTimeoutMs' | 'webchat' | 'rateLimits' | 'channelEncryptionKey' | 'temporal' | 'toolsAllowHttp' | 'publicUrl' | 'platformBaseUrls' | 'trustedProxies'
  >;
  logger: Logger;
  db: Kysely<Database>;
  temporal: Client;
  intake: MessageIntake;
  bots: BotDirectory;
  channels: ChannelDirectory;
  platforms: Record<string, MessagingPlatform>;
  feed: MessageFeed;
  metrics: Metrics;
  /** Open a span per request (OpenTelemetry tracing is on). */
  traced?: boolean;
  /** The circuit breakers of a worker in this process (`npm start`), for `/health/ready`. */
  circuitBreakers?: () => Record<string, 'closed' | 'open' | 'half-open'>;
}

/** The HTTP API. Stateless: run as many as you like behind a load balancer. */
export function createApp({ config, logger, db, temporal, intake, bots, channels, platforms, feed, metrics, traced, circuitBreakers }: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  // Limits are counted in Postgres, shared by every instance; the client is who a trusted proxy names.
  const rates = createPostgresRateStore(db, logger);
  const clientAddress = clientAddressBehind(config.trustedProxies);
  if (traced) app.use(httpTracing());
  app.use(requestContext(logger));
  app.use(httpMetrics(metrics, Object.keys(platforms)));
  app.use(secureHeaders());
  app.use(bodySizeLimit(config.maxBodyBytes));
  // Other sites may host the widget only when named; the chat page itself is same-origin. CORS
  // comes first, so a browser can read a 429 too.
  app.use('/webchat/*', cors({ origin: config.webchat.allowedOrigins, allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'] }));
  app.use('/webchat/*', rateLimit({ name: 'webchat-ip', per: 'IP address', limit: config.rateLimits.webchatIp, keyOf: clientAddress }, rates));
  app.use('/webhooks/*', rateLimit({ name: 'webhook-ip', per: 'IP address', limit: config.rateLimits.webhookIp, keyOf: clientAddress }, rates));
  app.use('/chat/*', rateLimit({ name: 'chat-page-ip', per: 'IP address', limit: config.rateLimits.chatPageIp, keyOf: clientAddress }, rates));
  const authFailures = createRateCounter({ name: 'auth-failures-ip', per: 'IP address after failed authentication', limit: config.rateLimits.authFailuresIp }, rates);
  app.onError(handleError());
  app.notFound(handleNotFound());

  app.route('/health', createHealthRoutes({ db, temporal, circuitBreakers }));
  app.route('/metrics', createMetricsRoutes({ metrics }));
  app.route('/chat', createChatPageRoutes({ bots }));
  app.route(
    '/webchat',
    createWebchatRoutes({
      db,
      bots,
      intake,
      feed,
      tokenSecret: config.webchat.tokenSecret,
      tokenTtlSeconds: config.webchat.tokenTtlSeconds,
      // Counted once the token is verified: per visitor, however the header is spelled.
      visitorLimit: createRateCounter({ name: 'webchat-visitor', per: 'visitor', limit: config.rateLimits.webchatVisitor }, rates),
    }),
  );

  app.route('/webhooks', createWebhookRoutes({ db, bots, channels, intake, platforms, platformBaseUrls: config.platformBaseUrls }));
  app.route(
    '/codec',
    createCodecRoutes({
      codec: config.temporal.payloadKey && new AesGcmPayloadCodec(config.temporal.payloadKey),
      uiToken: config.temporal.codec.uiToken,
      allowedOrigins: config.temporal.codec.allowedOrigins,
      failures: authFailures,
      clientAddress,
    }),
  );

  const v1 = new OpenAPIHono<AppEnv>();
  v1.use(authenticate({ db, bootstrapAdminKey: config.adminApiKey, failures: authFailures, clientAddress }));
  v1.use(rateLimit({ name: 'api-key', per: 'API key', limit: config.rateLimits.apiKey, keyOf: (c) => c.get('actor')?.id }, rates));
  v1.use(authorize('/v1'));
  v1.use(auditTrail(db));
  v1.route('/api-keys', createApiKeyRoutes({ db }));
  v1.route('/analytics', createAnalyticsRoutes({ db }));
  v1.route('/webhook-subscriptions', createWebhookSubscriptionRoutes({ db, encryptionKey: config.channelEncryptionKey }));
  v1.route('/bots', createApiChannelRoutes({ bots, intake, replyWaitTimeoutMs: config.replyWaitTimeoutMs }));
  v1.route('/bots', createChannelRoutes({ bots, channels, platforms, publicUrl: config.publicUrl, platformBaseUrls: config.platformBaseUrls }));
  v1.route('/bots', createBotToolRoutes({ db, bots, encryptionKey: config.channelEncryptionKey, allowHttp: config.toolsAllowHttp }));
  v1.route('/bots', createProactiveConversationRoutes({ db, bots, channels, intake }));
  v1.route('/bots', createBotRoutes({ db, bots, temporal }));
  v1.route('/conversations', createConversationRoutes({ db, temporal }));
  v1.route('/media', createMediaRoutes({ db }));
  app.route('/v1', v1);

  // The operator's console: pages for people, signed in with a session cookie rather than a key header.
  app.route(
    '/console',
    createConsoleApp({
      db,
      temporal,
      feed,
      bots,
      channels,
      platforms,
      bootstrapAdminKey: config.adminApiKey,
      encryptionKey: config.channelEncryptionKey,
      toolsAllowHttp: config.toolsAllowHttp,
      sessionTtlMs: config.console.sessionTtlMs,
      publicUrl: config.publicUrl,
      temporalUi: { url: config.temporal.uiUrl, namespace: config.temporal.namespace },
      failures: authFailures,
      // The same per-key budget as /v1: a key spends it whichever way it comes.
      requests: createRateCounter({ name: 'api-key', per: 'API key', limit: config.rateLimits.apiKey }, rates),
      clientAddress,
    }),
  );

  // Public, outside `/v1`'s API keys. Generated once, from every route above and these two.
  app.route('/', createApiDocsRoutes({ document: () => document }));
  const document = createApiDocument(app);

  return app;
}
