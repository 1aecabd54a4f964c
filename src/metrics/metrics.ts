import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds, from a fast webhook acknowledgement to a slow model call. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type SendFailureClass = 'transient' | 'rate_limited' | 'permanent';

/**
 * The product's Prometheus metrics, in a registry of their own (`GET /metrics`). One per process:
 * when the API and the worker share a process (`npm start`), they share it too.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpRequestDuration: Histogram<'method' | 'route'>;
  webhookAckDuration: Histogram<'platform' | 'status'>;
  messages: Counter<'direction' | 'platform' | 'bot'>;
  inboundRejected: Counter<'platform' | 'bot'>;
  modelRequestDuration: Histogram<'operation' | 'outcome'>;
  modelTokens: Counter<'bot' | 'model' | 'kind'>;
  modelCost: Counter<'bot' | 'model'>;
  moderationFlags: Counter<'provider'>;
  sendFailures: Counter<'platform' | 'class'>;
  inboundSentiment: Counter<'bot' | 'sentiment' | 'decided_by'>;
  inboundIntents: Counter<'bot' | 'intent'>;
  inboundLanguages: Counter<'bot' | 'language'>;
  /** Time to send one message to a platform, by outcome (`sent` or the failure's class). */
  sendDuration: Histogram<'platform' | 'outcome'>;
  /** Replies stored, by what they are: `fallback` counts the model failing past its retries. */
  replies: Counter<'bot' | 'kind'>;
  /** 1 while a dependency's circuit breaker is open (this process's), 0 otherwise. */
  circuitOpen: Gauge<'dependency'>;
  /** Reads the number of open conversations at scrape time, once a source is set. */
  countActiveConversations(source: () => Promise<number>): void;
  /** Reads the database pool's connections at scrape time; several pools (API and worker in one process) add up. */
  watchDbPool(source: () => { total: number; idle: number; waiting: number }): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let activeConversationsSource: (() => Promise<number>) | undefined;
  const poolSources: Array<() => { total: number; idle: number; waiting: number }> = [];

  new Gauge({
    name: 'chat_db_pool_connections',
    help: 'Database pool connections: `in_use` and `idle` open ones, and `waiting` requests queued for one.',
    labelNames: ['state'],
    registers,
    collect() {
      const sum = poolSources.reduce((acc, source) => {
        const { total, idle, waiting } = source();
        return { inUse: acc.inUse + total - idle, idle: acc.idle + idle, waiting: acc.waiting + waiting };
      }, { inUse: 0, idle: 0, waiting: 0 });
      this.set({ state: 'in_use' }, sum.inUse);
      this.set({ state: 'idle' }, sum.idle);
      this.set({ state: 'waiting' }, sum.waiting);
    },
  });

  new Gauge({
    name: 'chat_active_conversations',
    help: 'Conversations that have not ended, from Postgres at scrape time.',
    registers,
    async collect() {
      if (activeConversationsSource) this.set(await activeConversationsSource());
    },
  });

  return {
    registry,
    httpRequests: new Counter({
      name: 'chat_http_requests_total',
      help: 'HTTP requests by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'chat_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern.',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    webhookAckDuration: new Histogram({
      name: 'chat_webhook_ack_duration_seconds',
      help: "Time from a platform's webhook arriving to our answer, by platform.",
      labelNames: ['platform', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    messages: new Counter({
      name: 'chat_messages_total',
      help: 'Messages stored: inbound from people, outbound sent to them, by platform and bot.',
      labelNames: ['direction', 'platform', 'bot'],
      registers,
    }),
    inboundRejected: new Counter({
      name: 'chat_inbound_rejected_total',
      help: 'Inbound messages the database could never store; each is recorded on its conversation, which goes on with the next.',
      labelNames: ['platform', 'bot'],
      registers,
    }),
    modelRequestDuration: new Histogram({
      name: 'chat_model_request_duration_seconds',
      help: 'Model calls (reply, moderation) by outcome.',
      labelNames: ['operation', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    modelTokens: new Counter({
      name: 'chat_model_tokens_total',
      help: 'Model tokens used by turns (classifying, summarising, replying), by bot, model and kind (prompt, completion).',
      labelNames: ['bot', 'model', 'kind'],
      registers,
    }),
    modelCost: new Counter({
      name: 'chat_model_cost_usd_total',
      help: 'What those tokens cost in US dollars, by bot and model, from the price table (models without a price count nothing).',
      labelNames: ['bot', 'model'],
      registers,
    }),
    moderationFlags: new Counter({
      name: 'chat_moderation_flags_total',
      help: 'Texts that moderation flagged, by provider.',
      labelNames: ['provider'],
      registers,
    }),
    sendFailures: new Counter({
      name: 'chat_send_failures_total',
      help: 'Failed send attempts by platform and class: transient (retried), rate_limited (retried after the wait), permanent.',
      labelNames: ['platform', 'class'],
      registers,
    }),
    inboundSentiment: new Counter({
      name: 'chat_inbound_sentiment_total',
      help: "People's turns by sentiment, and by who decided it: the model, or the local lexicon.",
      labelNames: ['bot', 'sentiment', 'decided_by'],
      registers,
    }),
    inboundIntents: new Counter({
      name: 'chat_inbound_intents_total',
      help: "People's turns by the intent recognised in them (`other` for none of the bot's).",
      labelNames: ['bot', 'intent'],
      registers,
    }),
    inboundLanguages: new Counter({
      name: 'chat_inbound_languages_total',
      help: "People's turns by language (BCP-47 primary tag; `und` when it could not be told).",
      labelNames: ['bot', 'language'],
      registers,
    }),
    sendDuration: new Histogram({
      name: 'chat_send_duration_seconds',
      help: "Time for a platform's API to take one message, by outcome.",
      labelNames: ['platform', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    circuitOpen: new Gauge({
      name: 'chat_circuit_open',
      help: "1 while a dependency's circuit breaker is open in this worker (the model, each platform), 0 otherwise.",
      labelNames: ['dependency'],
      registers,
    }),
    replies: new Counter({
      name: 'chat_replies_total',
      help: 'Replies stored, by kind: reply, fallback (the model failed past its retries), refusal, notice.',
      labelNames: ['bot', 'kind'],
      registers,
    }),
    countActiveConversations(source) {
      activeConversationsSource = source;
    },
    watchDbPool(source) {
      poolSources.push(source);
    },
  };
}
