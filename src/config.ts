import { isValidProxyEntry } from './http/middleware/trusted-proxies';
import { BotIdSchema } from './bots/bot-id';
import { BOT_SETTING_DEFAULTS, BOT_SETTING_FIELDS } from './bots/bot-settings-schema';
import { MESSAGING_PLATFORM_MODULES } from './platforms/messaging-platforms';
import type { MessagingPlatformName } from './platforms/messaging-platform';
import { localSecret } from './runtime/local-secrets';
import { z } from 'zod';
import { DEFAULT_MODEL_PRICES, type ModelPrices } from './model/model-prices';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

// Each platform names its own variables (`about` in its adapter): its credentials for the default
// bot, and the base URL of its API.
const PLATFORMS = Object.values(MESSAGING_PLATFORM_MODULES);
const API_BASE_URLS = [...new Map(PLATFORMS.map((module) => [module.about.apiBaseUrl.variable, module.about.apiBaseUrl])).values()];

const port = z.coerce.number().int().min(0).max(65535);

/**
 * Conversations a worker keeps in memory between turns. Bench (d), 10,000 conversations opened:
 * worker RSS 1,069 MB with 1,500 cached, 1,307 MB with 2,310 (the SDK's heap-sized default) and
 * 2,041 MB with 5,000. That is about 280 KB per cached conversation, nearly all of it the SDK's own
 * per-workflow state, over about 650 MB that opening them leaves. 1,000 keep the worker under 1 GB;
 * the others replay their short history (a dozen events a turn) at their next message.
 */
export const DEFAULT_CACHED_CONVERSATIONS = 1_000;
/** A port number, or `off`. */
const metricsPortSetting = optionalString.pipe(
  z
    .string()
    .regex(/^(off|\d{1,5})$/, 'must be a port number or "off"')
    .transform((value) => (value === 'off' ? ('off' as const) : Number(value)))
    .pipe(z.union([z.literal('off'), z.number().int().min(1).max(65535)]))
    .optional(),
);

export const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(3000),
    // Where the HTTP server listens: this machine only, unless told otherwise (containers set 0.0.0.0).
    HOST: z.string().min(1).default('127.0.0.1'),
    // The address people and platforms reach this server at; webhooks are registered under it.
    PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    DATA_DIR: z.string().default('.data'),
    DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    EMBEDDED_POSTGRES_PORT: port.default(5433),
    TEMPORAL_ADDRESS: optionalString,
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('conversations'),
    TEMPORAL_CLI_PATH: optionalString,
    TEMPORAL_DEV_PORT: port.default(7233),
    // How many conversations a worker keeps in memory between turns; unset: the SDK's default, sized from the heap.
    WORKER_MAX_CACHED_WORKFLOWS: z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), z.coerce.number().int().min(0).default(DEFAULT_CACHED_CONVERSATIONS)),
    TEMPORAL_UI_PORT: port.default(8233),
    // Where operators open the Temporal Web UI (the console links each conversation's workflow there).
    TEMPORAL_UI_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    // How long a console sign-in lasts before the operator signs in again.
    CONSOLE_SESSION_TTL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(480),
    WORKFLOW_BUNDLE_PATH: optionalString,
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
    OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
    OPENAI_MODERATION_MODEL: z.string().min(1).default('omni-moderation-latest'),
    // Tool URLs must be HTTPS; a development setup may allow plain HTTP (a tool on localhost).
    TOOLS_ALLOW_HTTP: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
    TRUSTED_PROXIES: optionalString.transform((value, ctx) => {
      const entries = (value ?? '').split(',').map((e) => e.trim()).filter(Boolean);
      const bad = entries.filter((e) => !isValidProxyEntry(e));
      if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `must be addresses or CIDR ranges, comma-separated; not ${bad.join(', ')}` });
      return entries;
    }),
    CIRCUIT_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    CIRCUIT_BREAKER_HALF_OPEN_SECONDS: z.coerce.number().min(0.05).max(3600).default(30),
    // Dollars per million tokens, by model, over the defaults: {"my-model":{"prompt":0.5,"completion":1.5}}.
    MODEL_PRICES: optionalString.transform((value, ctx) => parseModelPrices(value, ctx)),
    ADMIN_API_KEY: optionalString,
    WEBCHAT_TOKEN_SECRET: optionalString,
    WEBCHAT_ALLOWED_ORIGINS: optionalString.transform((value) =>
      value ? value.split(',').map((origin) => origin.trim()).filter(Boolean) : [],
    ),
    WEBCHAT_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(7 * 24 * 3600),
    DEFAULT_BOT_ID: BotIdSchema.default('default'),
    DEFAULT_BOT_NAME: z.string().min(1).default('Assistant'),
    DEFAULT_BOT_SYSTEM_PROMPT: z
      .string()
      .min(1)
      .default('You are a helpful, concise assistant. Answer in the language of the user.'),
    DEFAULT_BOT_MODEL: optionalString,
    // The same rules and defaults as a bot created through the API.
    DEFAULT_BOT_DEBOUNCE_MS: z.coerce.number().pipe(BOT_SETTING_FIELDS.debounceMs).default(BOT_SETTING_DEFAULTS.debounceMs),
    DEFAULT_BOT_IDLE_TIMEOUT_MS: z.coerce.number().pipe(BOT_SETTING_FIELDS.idleTimeoutMs).default(BOT_SETTING_DEFAULTS.idleTimeoutMs),
    DEFAULT_BOT_FALLBACK_REPLY: BOT_SETTING_FIELDS.fallbackReply.default(BOT_SETTING_DEFAULTS.fallbackReply),
    DEFAULT_BOT_HANDOFF_TIMEOUT_MS: z.coerce.number().pipe(BOT_SETTING_FIELDS.handoffTimeoutMs).default(BOT_SETTING_DEFAULTS.handoffTimeoutMs),
    RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().positive().default(600),
    RATE_LIMIT_WEBCHAT_IP_PER_MINUTE: z.coerce.number().int().positive().default(120),
    RATE_LIMIT_WEBCHAT_VISITOR_PER_MINUTE: z.coerce.number().int().positive().default(30),
    // Webhooks come from a platform's few addresses: high enough for any one bot's traffic.
    RATE_LIMIT_WEBHOOK_IP_PER_MINUTE: z.coerce.number().int().positive().default(6000),
    RATE_LIMIT_CHAT_PAGE_IP_PER_MINUTE: z.coerce.number().int().positive().default(60),
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(20),
    SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
    SMTP_FROM: z.string().min(3).default('Chat orchestrator <chat-orchestrator@localhost>'),
    HANDOFF_EMAIL_TO: optionalString,
    REPLY_WAIT_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    TEMPORAL_ACCEPT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
    ...Object.fromEntries(API_BASE_URLS.map(({ variable, default: url }) => [variable, z.url().default(url)])),
    METRICS_PORT: metricsPortSetting,
    TEMPORAL_METRICS_PORT: metricsPortSetting,
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url().optional()),
    OTEL_SERVICE_NAME: z.string().min(1).default('chat-orchestrator'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // `pretty`: one readable line per event (the default in development); `json`: one JSON object per line.
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    // 32 bytes, base64, or `off`: encrypts what Temporal stores (message text, replies, state).
    TEMPORAL_PAYLOAD_KEY: optionalString.pipe(
      z
        .string()
        .refine((value) => value === 'off' || Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32), or "off"')
        .optional(),
    ),
    // The Temporal Web UI decodes through /codec/<token>; unset in development: generated per DATA_DIR.
    TEMPORAL_CODEC_UI_TOKEN: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{22,}$/, 'at least 22 letters, digits, "_" or "-"').optional()),
    TEMPORAL_CODEC_ALLOWED_ORIGINS: z
      .string()
      .optional()
      .transform((value) => (value ? value.split(',').map((origin) => origin.trim()).filter(Boolean) : undefined)),
    CHANNEL_ENCRYPTION_KEY: optionalString.pipe(
      z
        .string()
        .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
        .optional(),
    ),
    ...Object.fromEntries(
      PLATFORMS.flatMap((module) => Object.values<string>(module.about.credentialVariables).map((name) => [name, optionalString])),
    ),
  })
  .superRefine((env, ctx) => {
    for (const module of PLATFORMS) {
      const names = Object.values<string>(module.about.credentialVariables);
      const set = names.filter((name) => (env as Record<string, unknown>)[name] !== undefined);
      if (set.length === 0 || set.length === names.length) continue;
      for (const name of names.filter((n) => !set.includes(n))) {
        ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${set[0]} is set` });
      }
    }
    if (env.NODE_ENV === 'production') {
      for (const name of ['ADMIN_API_KEY', 'WEBCHAT_TOKEN_SECRET', 'CHANNEL_ENCRYPTION_KEY', 'TEMPORAL_PAYLOAD_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when NODE_ENV=production' });
      }
      if (env.ADMIN_API_KEY && env.ADMIN_API_KEY.length < MIN_PRODUCTION_ADMIN_KEY_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['ADMIN_API_KEY'],
          message: `must be at least ${MIN_PRODUCTION_ADMIN_KEY_LENGTH} characters when NODE_ENV=production (openssl rand -base64 32)`,
        });
      }
    }
  });

export type Env = z.infer<typeof ConfigSchema>;

/** A bootstrap admin key shorter than this could be guessed; production refuses it. */
export const MIN_PRODUCTION_ADMIN_KEY_LENGTH = 32;


/** Thrown when the environment does not describe a runnable configuration; one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment. Only entry points call this; everything else receives a `Config`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  return configFrom(parsed.data);
}

/**
 * The configuration the app runs with, shaped for its parts. `Config` is this function's type, so
 * the schema above and this mapping are the only places a setting is written down.
 */
function configFrom(e: Env) {
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    /** The address the HTTP server listens on. */
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      /** The Web UI's address as operators reach it. */
      uiUrl: e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
      /** Conversations a worker keeps cached between turns; the rest replay when they next get a message. */
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      /** A pre-built workflow bundle (`npm run build:workflows`); unset: the bundle cache's. */
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
      /** Encrypts payloads (`AesGcmPayloadCodec`); undefined when TEMPORAL_PAYLOAD_KEY=off. */
      payloadKey:
        e.TEMPORAL_PAYLOAD_KEY === 'off'
          ? undefined
          : e.TEMPORAL_PAYLOAD_KEY
            ? Buffer.from(e.TEMPORAL_PAYLOAD_KEY, 'base64')
            : localSecret(e.DATA_DIR, 'temporal-payload-key').value,
      /** The codec route the Temporal Web UI decodes through: `/codec/<uiToken>`, from these origins. */
      codec: {
        // Production serves the UI's codec route only when given a token.
        uiToken:
          e.TEMPORAL_CODEC_UI_TOKEN ??
          (e.NODE_ENV === 'production' ? undefined : localSecret(e.DATA_DIR, 'temporal-codec-ui-token').value.toString('base64url')),
        allowedOrigins: e.TEMPORAL_CODEC_ALLOWED_ORIGINS ?? [`http://localhost:${e.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`],
      },
    },
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      moderationModel: e.OPENAI_MODERATION_MODEL,
      /** What each model's tokens cost: the defaults, with `MODEL_PRICES` over them. */
      prices: { ...DEFAULT_MODEL_PRICES, ...e.MODEL_PRICES },
    },
    /** Whether a tool's URL may be plain HTTP (development only). */
    toolsAllowHttp: e.TOOLS_ALLOW_HTTP,
    /** Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges); none by default. */
    trustedProxies: e.TRUSTED_PROXIES,
    /** Per worker: consecutive failures that open a dependency's breaker, and how long it stays open. */
    circuitBreaker: { failures: e.CIRCUIT_BREAKER_FAILURES, halfOpenAfterMs: e.CIRCUIT_BREAKER_HALF_OPEN_SECONDS * 1000 },
    adminApiKey: e.ADMIN_API_KEY,
    console: { sessionTtlMs: e.CONSOLE_SESSION_TTL_MINUTES * 60_000 },
    webchat: {
      // Development needs no setup: an unset secret is generated once per DATA_DIR (production requires it).
      tokenSecret: e.WEBCHAT_TOKEN_SECRET ?? localSecret(e.DATA_DIR, 'webchat-token-secret').value.toString('base64url'),
      tokenTtlSeconds: e.WEBCHAT_TOKEN_TTL_SECONDS,
      allowedOrigins: e.WEBCHAT_ALLOWED_ORIGINS,
    },
    defaultBot: {
      id: e.DEFAULT_BOT_ID,
      name: e.DEFAULT_BOT_NAME,
      systemPrompt: e.DEFAULT_BOT_SYSTEM_PROMPT,
      model: e.DEFAULT_BOT_MODEL ?? e.OPENAI_MODEL,
      debounceMs: e.DEFAULT_BOT_DEBOUNCE_MS,
      idleTimeoutMs: e.DEFAULT_BOT_IDLE_TIMEOUT_MS,
      fallbackReply: e.DEFAULT_BOT_FALLBACK_REPLY,
      handoffTimeoutMs: e.DEFAULT_BOT_HANDOFF_TIMEOUT_MS,
    },
    replyWaitTimeoutMs: e.REPLY_WAIT_TIMEOUT_MS,
    /** Email for handoff requests; undefined when SMTP is not configured. */
    handoffEmail:
      e.SMTP_URL && e.HANDOFF_EMAIL_TO
        ? { smtpUrl: e.SMTP_URL, from: e.SMTP_FROM, to: e.HANDOFF_EMAIL_TO.split(',').map((address) => address.trim()) }
        : undefined,
    /** Requests a minute, by what each is counted per. */
    rateLimits: {
      apiKey: e.RATE_LIMIT_API_PER_MINUTE,
      webchatIp: e.RATE_LIMIT_WEBCHAT_IP_PER_MINUTE,
      webchatVisitor: e.RATE_LIMIT_WEBCHAT_VISITOR_PER_MINUTE,
      webhookIp: e.RATE_LIMIT_WEBHOOK_IP_PER_MINUTE,
      chatPageIp: e.RATE_LIMIT_CHAT_PAGE_IP_PER_MINUTE,
      authFailuresIp: e.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    },
    acceptTimeoutMs: e.TEMPORAL_ACCEPT_TIMEOUT_MS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    /** Each messaging platform's API base URL. */
    platformBaseUrls: Object.fromEntries(
      PLATFORMS.map((module) => [module.platform, (e as Record<string, unknown>)[module.about.apiBaseUrl.variable] as string]),
    ) as Record<MessagingPlatformName, string>,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
    metrics: {
      port: metricsPort(e.METRICS_PORT, e.NODE_ENV, 9100),
      temporalPort: metricsPort(e.TEMPORAL_METRICS_PORT, e.NODE_ENV, 9464),
    },
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
    /** Key for channel credentials at rest (AES-256-GCM). */
    channelEncryptionKey: e.CHANNEL_ENCRYPTION_KEY
      ? Buffer.from(e.CHANNEL_ENCRYPTION_KEY, 'base64')
      : // Development needs no setup; production refuses to start without a real key.
        localSecret(e.DATA_DIR, 'channel-encryption-key').value,
    /** Secrets not set in the environment, generated under `<dataDir>/secrets` instead (development only). */
    generatedSecrets: [
      ...(e.WEBCHAT_TOKEN_SECRET ? [] : ['WEBCHAT_TOKEN_SECRET']),
      ...(e.CHANNEL_ENCRYPTION_KEY ? [] : ['CHANNEL_ENCRYPTION_KEY']),
      ...(e.TEMPORAL_PAYLOAD_KEY ? [] : ['TEMPORAL_PAYLOAD_KEY']),
    ],
    /** Channels of the default bot declared in the environment. */
    defaultBotChannels: channelsFromEnvironment(e as Record<string, unknown>),
  };
}

export type Config = ReturnType<typeof configFrom>;

function channelsFromEnvironment(env: Record<string, unknown>): Partial<Record<MessagingPlatformName, Record<string, string>>> {
  const channels: Partial<Record<MessagingPlatformName, Record<string, string>>> = {};
  for (const module of PLATFORMS) {
    const entries = Object.entries<string>(module.about.credentialVariables).map(([field, name]) => [field, env[name]] as const);
    if (entries.every(([, value]) => typeof value === 'string')) {
      channels[module.platform] = Object.fromEntries(entries) as Record<string, string>;
    }
  }
  return channels;
}

/** A metrics port: a number, `off`, or unset for the default (off under NODE_ENV=test, where many workers share a host). */
function metricsPort(value: number | 'off' | undefined, env: Env['NODE_ENV'], fallback: number): number | undefined {
  if (value === undefined) return env === 'test' ? undefined : fallback;
  return value === 'off' ? undefined : value;
}

const ModelPricesSchema = z.record(
  z.string().min(1),
  z.strictObject({ prompt: z.number().nonnegative(), completion: z.number().nonnegative() }),
);

function parseModelPrices(value: string | undefined, ctx: z.RefinementCtx): ModelPrices {
  if (value === undefined) return {};
  const problem = 'must be JSON like {"my-model":{"prompt":0.5,"completion":1.5}} (US dollars per million tokens)';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  const prices = ModelPricesSchema.safeParse(parsed);
  if (!prices.success) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return prices.data;
}
