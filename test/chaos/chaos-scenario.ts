import { setTimeout as sleep } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import { startFakeTelegram } from '../fakes/fake-telegram';
import { startStack } from '../support/test-stack';
import { type ChaosServers, startChaosServers } from './chaos-servers';
import { type FaultEvent, planFaults, runFaults } from './fault-schedule';
import { answeredInText, planMessages, sendConversations } from './load-generator';
import { type DeliveryReport, verifyDeliveries } from './verify-deliveries';
import { type ProcessLife, type ProcessSupervisor, superviseApi, superviseWorker } from './process-supervisor';
import { findFreePort } from '../support/free-port';

export interface ChaosOptions {
  conversations: number;
  messagesPerConversation: number;
  /** The messages are spread over about this long; the faults happen inside it. */
  loadMs: number;
  /** SIGKILL the worker this long after it starts polling (random in the range); null for never. */
  workerKillEveryMs: [number, number] | null;
  /** At most this many worker kills. Default no limit. */
  maxWorkerKills?: number;
  temporalRestarts: number;
  /** 0 for no outage. */
  postgresOutageMs: number;
  /** Fraction of chat-completion calls answered 429 or 500, for the whole run. */
  modelFailureRate: number;
  /** Fraction of sendMessage calls answered 429 with `retry_after`, for the whole run. */
  platformRateLimitRate: number;
  /** How long after the last kill or outage every message must be answered (the rate faults go on). */
  drainTimeoutMs: number;
  /** API processes the webhooks are spread over, and worker processes on the task queue. Default 2 each. */
  apis?: number;
  workers?: number;
  /** API processes SIGKILLed under load, in turn. Default one per API. */
  apiKills?: number;
  /** Where to run; default its own Temporal dev server and embedded PostgreSQL (`startChaosServers`). */
  servers?: () => Promise<ChaosServers>;
  /** Progress lines while it runs. */
  onProgress?: (line: string) => void;
  logger?: Logger;
}

export interface ChaosResult {
  options: ChaosOptions;
  report: DeliveryReport;
  faults: FaultEvent[];
  workerLives: ProcessLife[];
  apiLives: ProcessLife[];
  /** How many webhooks each API instance took. */
  acceptedByApi: number[];
  webhookRetries: Record<string, number>;
  modelErrorsInjected: number;
  platformRateLimitsInjected: number;
  durationMs: number;
}

const BOT_TOKEN = '424242:ChaosTelegramToken_for-tests';
const SECRET = 'chaos-secret-token';
/** Low, so every conversation continues as new at least once under the faults. */
const CONTINUE_AS_NEW_AFTER_EVENTS = 150;
const PROGRESS_EVERY_MS = 5_000;

/**
 * The whole product on its own Temporal dev server and PostgreSQL, fed signed Telegram webhooks
 * while its worker is SIGKILLed, Temporal restarted, Postgres stopped, the model and Telegram
 * failing at random; then checks that every message was answered once, in order.
 */
export async function runChaosScenario(options: ChaosOptions): Promise<ChaosResult> {
  // The dev server's own warnings during restarts are expected noise; real failures still show.
  const logger = options.logger ?? pino({ level: 'error' }, pino.destination(2));
  const progress = options.onProgress ?? (() => undefined);
  const startedAt = Date.now();
  const elapsed = () => `${Math.round((Date.now() - startedAt) / 1000)}s`.padStart(5);

  const apiCount = options.apis ?? 2;
  const workerCount = options.workers ?? 2;
  progress(`Starting Temporal, PostgreSQL, ${apiCount} API process(es) and ${workerCount} worker(s)…`);
  const servers = options.servers
    ? await options.servers()
    : await startChaosServers({ logger, temporalDynamicConfig: { 'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_AFTER_EVENTS } });
  const telegram = await startFakeTelegram({ botToken: BOT_TOKEN });
  const telegramEnv = { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_SECRET_TOKEN: SECRET, TELEGRAM_API_BASE_URL: telegram.baseUrl };
  const stack = await startStack(servers, { worker: false, env: telegramEnv });
  const processEnv = { ...telegramEnv, DEFAULT_BOT_DEBOUNCE_MS: '0' };
  const workers = Array.from({ length: workerCount }, () => superviseWorker(stack, { env: processEnv }));
  const apiPorts = await Promise.all(Array.from({ length: apiCount }, () => findFreePort()));
  const apis = apiPorts.map((port) => superviseApi(stack, { port, env: processEnv }));
  const webhookUrls = apiPorts.map((port) => `http://127.0.0.1:${port}/webhooks/telegram/${stack.botId}`);
  /** Kills the next process of a group in turn, so each one is killed in its time. */
  const inTurn = (group: ProcessSupervisor[]) => {
    let next = 0;
    return () => group[next++ % group.length]!.kill();
  };
  const allReady = (group: ProcessSupervisor[]) => Promise.all(group.map((p) => p.waitUntilReady())).then(() => undefined);
  let progressTimer: NodeJS.Timeout | undefined;

  try {
    await Promise.all([allReady(workers), allReady(apis)]);
    const bot = await stack.db.selectFrom('bots').select('fallback_reply').where('id', '=', stack.botId).executeTakeFirstOrThrow();
    stack.fakeOpenAI.setFailureRate(options.modelFailureRate);
    telegram.setRateLimitRate(options.platformRateLimitRate);

    const messages = planMessages(options.conversations, options.messagesPerConversation);
    const answered = () => {
      const covered = new Set(telegram.sends().flatMap((s) => answeredInText(s.text).map((a) => `${a.conversation}:${a.seq}`)));
      return covered.size;
    };
    const modelErrors = () => stack.fakeOpenAI.chatCalls().filter((c) => c.status === 429 || c.status >= 500).length;
    const platform429s = () => telegram.sendAttempts().filter((r) => r.status === 429).length;
    const faults: FaultEvent[] = [];
    let postgresDown = false;
    const printProgress = () => {
      const accepted = messages.filter((m) => m.acceptedAt !== undefined).length;
      const retries = messages.reduce((n, m) => n + Object.values(m.retries).reduce((a, b) => a + b, 0), 0);
      progress(
        `[${elapsed()}] accepted ${accepted}/${messages.length} · answered ${answered()} · webhook retries ${retries}` +
          ` · worker kills ${faults.filter((f) => f.kind === 'worker-kill').length}` +
          ` · API kills ${faults.filter((f) => f.kind === 'api-kill').length}` +
          ` · Temporal restarts ${faults.filter((f) => f.kind === 'temporal-up').length}` +
          `${postgresDown ? ' · Postgres DOWN' : ''} · model errors ${modelErrors()} · Telegram 429s ${platform429s()}`,
      );
    };
    progressTimer = setInterval(printProgress, PROGRESS_EVERY_MS);

    const plan = planFaults({
      loadMs: options.loadMs,
      workerKillEveryMs: options.workerKillEveryMs,
      maxWorkerKills: options.maxWorkerKills,
      temporalRestarts: options.temporalRestarts,
      postgresOutageMs: options.postgresOutageMs,
      apiKills: apiCount > 1 ? (options.apiKills ?? apiCount) : 0,
    });
    progress(`Sending ${messages.length} messages over about ${Math.round(options.loadMs / 1000)} s; faults until ${Math.round(plan.endMs / 1000)} s`);
    const loadDone = sendConversations({
      webhookUrls,
      secretToken: SECRET,
      messages,
      spreadMs: options.loadMs,
    });
    const faultsDone = runFaults(
      plan,
      {
        killWorker: inTurn(workers),
        killApi: inTurn(apis),
        waitForWorker: () => allReady(workers),
        restartTemporal: () => servers.restartTemporal(),
        stopPostgres: () => servers.stopPostgres(),
        startPostgres: () => servers.startPostgres(),
      },
      (event) => {
        faults.push(event);
        if (event.kind === 'postgres-down') postgresDown = true;
        if (event.kind === 'postgres-up') postgresDown = false;
        if (event.kind !== 'worker-kill') progress(`[${elapsed()}] ${event.kind}`);
      },
    );
    await faultsDone;
    const faultsEndedAt = Date.now();
    progress(`[${elapsed()}] Kills and outages over; waiting for every message to be answered (at most ${Math.round(options.drainTimeoutMs / 1000)} s)`);
    await loadDone;

    const deadline = faultsEndedAt + options.drainTimeoutMs;
    const acceptedCount = () => messages.filter((m) => m.acceptedAt !== undefined).length;
    // Replies echo what they answer; a fallback reply does not, so when echoes alone fall short the
    // whole check (which ties a fallback to its messages through the stored outbound key) decides.
    const verifyNow = async () =>
      verifyDeliveries({
        messages,
        sends: telegram.sends().map((s) => ({ chatId: s.chatId, text: s.text, at: s.at })),
        stored: await stack.db
          .selectFrom('messages')
          .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
          .select([
            'conversations.chat_id as chatId',
            'messages.direction',
            'messages.text',
            'messages.kind',
            'messages.status',
            'messages.outbound_key as outboundKey',
            'messages.platform_message_id as platformMessageId',
          ])
          .where('conversations.bot_id', '=', stack.botId)
          .orderBy('messages.seq')
          .execute(),
        fallbackReply: bot.fallback_reply,
        workerLives: workers.flatMap((w) => w.lives),
        faults,
        faultsEndedAt,
      });
    const allAnswered = async () => answered() >= acceptedCount() || (await verifyNow().catch(() => undefined))?.answered === acceptedCount();
    while (!(await allAnswered()) && Date.now() < deadline) await sleep(500);
    // Late duplicates and the last database writes get a moment to land before the count.
    const replyRows = () => stack.db.selectFrom('messages').select((eb) => eb.fn.countAll<string>().as('n')).where('direction', '=', 'outbound').executeTakeFirstOrThrow();
    const settleUntil = Date.now() + 15_000;
    await sleep(2_000);
    while (Date.now() < settleUntil && Number((await replyRows()).n) < new Set(telegram.sends().map((s) => `${s.chatId}\u0000${s.text}`)).size) {
      await sleep(500);
    }
    clearInterval(progressTimer);
    printProgress();

    const report = await verifyNow();
    const webhookRetries: Record<string, number> = {};
    for (const message of messages) {
      for (const [status, count] of Object.entries(message.retries)) webhookRetries[status] = (webhookRetries[status] ?? 0) + count;
    }
    return {
      options,
      report,
      faults,
      workerLives: workers.flatMap((w) => w.lives),
      apiLives: apis.flatMap((a) => a.lives),
      acceptedByApi: webhookUrls.map((url) => messages.filter((m) => m.acceptedBy === url).length),
      webhookRetries,
      modelErrorsInjected: modelErrors(),
      platformRateLimitsInjected: platform429s(),
      durationMs: Date.now() - startedAt,
    };
  } finally {
    clearInterval(progressTimer);
    await Promise.all([...workers, ...apis].map((p) => p.stop()));
    await stack.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the stack failed'));
    await telegram.close();
    await servers.stop();
  }
}
