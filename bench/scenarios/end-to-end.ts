import { startFloor } from '../floor/floor-target';
import { startNaiveHandler } from '../naive/naive-target';
import { startBenchStack } from '../support/bench-stack';
import type { ClosedLoopResult } from '../support/closed-loop-load';
import { measureReplies, range, type ReplyTarget, warmUp } from '../support/end-to-end-load';
import { postTelegramWebhook } from '../support/telegram-traffic';
import type { Scenario } from './scenario';

/** Telegram sends about one message a second per chat; the product paces to that. */
export const TELEGRAM_GAP_MS = 1_100;

/**
 * (b) End to end, from the webhook to the fake Telegram receiving the reply, against two
 * references: a naive handler with no durability, and the floor workflow with no work inside.
 */
export const endToEnd: Scenario = async ({ logger, settings, startServers, floorBundlePath }) => {
  const servers = await startServers();
  const stack = await startBenchStack(servers, logger);
  const chatIds = range(1, settings.chats);
  const results: Record<string, ClosedLoopResult> = {};
  const run = async (target: ReplyTarget) => {
    await warmUp(target, chatIds, settings.concurrency);
    results[target.name] = await measureReplies(target, { chatIds, concurrency: settings.concurrency, durationMs: settings.phaseMs * 2 });
  };
  try {
    await stack.startWorker();
    await run({
      name: 'product',
      minGapMs: TELEGRAM_GAP_MS,
      replies: stack.replies,
      send: (chatId, token) => postTelegramWebhook(stack.webhookUrl, chatId, token),
    });
    await stack.stopWorker();

    const naive = await startNaiveHandler({ openaiBaseUrl: stack.fakeOpenAI.baseUrl, telegramBaseUrl: stack.fakeTelegram.baseUrl, replies: stack.replies });
    try {
      await run(naive);
    } finally {
      await naive.close();
    }

    const floor = await startFloor({ temporal: stack.temporal, temporalAddress: servers.temporalAddress, bundlePath: floorBundlePath });
    try {
      await run({ name: 'floor', minGapMs: 0, replies: floor.replies, send: floor.send });
    } finally {
      await floor.close();
    }
  } finally {
    await stack.close();
    await servers.stop();
  }

  const product = results.product!;
  const ratio = (other: ClosedLoopResult) => (other.perSecond > 0 ? `${((product.perSecond / other.perSecond) * 100).toFixed(0)}%` : 'n/a');
  const labels: Record<string, string> = {
    product: 'chat orchestrator (webhook → workflow → fake Telegram)',
    naive: 'naive handler (webhook → fake OpenAI → fake Telegram, no durability)',
    floor: 'floor workflow (signalWithStart → 7 no-op activities)',
  };
  return {
    id: 'b',
    title: 'End to end: webhook to reply',
    method: [
      `${settings.concurrency} senders, each sending a signed Telegram webhook and waiting until the fake Telegram receives its reply, starting messages for ${(settings.phaseMs * 2) / 1000} s (replies/s = replies over the time until the last of them arrived), over ${settings.chats} chats opened beforehand (one message each, not measured).`,
      'The model fake answers at once; the bot has a 0 ms debounce window and moderation on, so a turn is 1 local and 6 regular activities.',
      `A chat gets its next message ${TELEGRAM_GAP_MS} ms after its last reply at the earliest, so Telegram pacing (one message a second per chat) never counts as latency.`,
      'The naive handler is a plain HTTP server that calls the fake OpenAI and then the fake Telegram before answering the webhook.',
      'The floor is a workflow of the same shape as a conversation (signal, queue, 1 local + 6 activities per turn, continue-as-new) with empty activities, on its own task queue and worker, driven by signalWithStart from the benchmark (no HTTP, no Postgres).',
    ],
    tables: [
      {
        header: ['variant', 'replies /s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'orchestrator as % of it'],
        rows: Object.entries(results).map(([name, r]) => {
          const s = r.latencies.summary();
          return [labels[name]!, r.perSecond, s.p50, s.p99, s.max, r.errors, name === 'product' ? '' : ratio(r)];
        }),
      },
    ],
    charts: [{ title: 'End-to-end reply latency CDF', series: Object.entries(results).map(([name, r]) => ({ name, cdf: r.latencies.cdf() })) }],
    findings: [
      `The orchestrator sustained ${product.perSecond} replies/s: ${ratio(results.floor!)} of the floor (${results.floor!.perSecond}/s) and ${ratio(results.naive!)} of the naive handler (${results.naive!.perSecond}/s).`,
      ...Object.entries(results).filter(([, r]) => r.firstError).map(([name, r]) => `First ${name} error: ${r.firstError}`),
    ],
    data: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, { ...r, latencies: r.latencies.summary() }])),
  };
};
