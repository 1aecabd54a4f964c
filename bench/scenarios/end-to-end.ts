import { conversationWorkflowId } from '../../src/conversations/conversation-key';
import { floorTargetName, startFloor } from '../floor/floor-target';
import { FLOOR_SHAPES } from '../floor/floor-shapes';
import { startNaiveHandler } from '../naive/naive-target';
import { BENCH_BOT_ID, startBenchStack } from '../support/bench-stack';
import { range } from '../support/end-to-end-load';
import type { Figures } from '../support/previous-figures';
import { postTelegramWebhook } from '../support/telegram-traffic';
import { type VariantMeasurement, measureVariant } from '../support/variant-measurement';
import { type Scenario, type ScenarioResult } from './scenario';

/** Telegram sends about one message a second per chat; the product paces to that. */
export const TELEGRAM_GAP_MS = 1_100;

/** Where the history probe opens its fresh chat, away from the measured ones. */
const HISTORY_CHAT_ID = 9_000_001;

/**
 * (b) End to end, from the webhook to the fake Telegram receiving the reply, against references in
 * the same run: a naive handler with no durability, and the floor workflow in each shape of turn
 * (`bench/floor/floor-shapes.ts`) with no work inside. For each: replies/s and latency, CPU per
 * turn of every process, and what a turn adds to a real history.
 */
export const endToEnd: Scenario = async ({ logger, settings, startServers, floorBundlePath }) => {
  const servers = await startServers();
  const stack = await startBenchStack(servers, logger);
  const chatIds = range(1, settings.chats);
  const phase = { chatIds, concurrency: settings.concurrency, durationMs: settings.phaseMs * 2 };
  const results: Record<string, VariantMeasurement> = {};
  const labels: Record<string, string> = {
    product: 'chat orchestrator (webhook → workflow → fake Telegram)',
    naive: 'naive handler (webhook → fake OpenAI → fake Telegram, no durability)',
  };
  try {
    await stack.startWorker();
    results.product = await measureVariant(
      { name: 'product', minGapMs: TELEGRAM_GAP_MS, replies: stack.replies, send: (chatId, token) => postTelegramWebhook(stack.webhookUrl, chatId, token) },
      {
        ...phase,
        cpuPids: () => ({ temporal: servers.temporalPid, worker: stack.worker?.pid, api: stack.api.pid }),
        history: {
          client: stack.temporal,
          workflowId: (chatId) => conversationWorkflowId({ botId: BENCH_BOT_ID, platform: 'telegram', chatId: String(chatId) }),
          chatId: HISTORY_CHAT_ID,
          turns: settings.historyTurns,
        },
      },
    );
    await stack.stopWorker();

    const naive = await startNaiveHandler({ openaiBaseUrl: stack.fakeOpenAI.baseUrl, telegramBaseUrl: stack.fakeTelegram.baseUrl, replies: stack.replies });
    try {
      results.naive = await measureVariant(naive, { ...phase, cpuPids: () => ({ api: naive.pid }) });
    } finally {
      await naive.close();
    }

    for (const shape of settings.floorShapes) {
      const floor = await startFloor({ shape, temporalAddress: servers.temporalAddress, bundlePath: floorBundlePath });
      labels[floor.name] = `floor workflow, ${FLOOR_SHAPES[shape].label}`;
      try {
        results[floor.name] = await measureVariant(floor, {
          ...phase,
          cpuPids: () => ({ temporal: servers.temporalPid, worker: floor.worker.pid }),
          history: { client: floor.client, workflowId: floor.workflowId, chatId: HISTORY_CHAT_ID, turns: settings.historyTurns },
        });
      } finally {
        await floor.close();
      }
    }
  } finally {
    await stack.close();
    await servers.stop();
  }
  return endToEndResult(settings, results, labels);
};

function endToEndResult(settings: Parameters<Scenario>[0]['settings'], results: Record<string, VariantMeasurement>, labels: Record<string, string>): ScenarioResult {
  const product = results.product!.result;
  const ratio = (name: string) => {
    const other = results[name]?.result;
    return other && other.perSecond > 0 ? `${((product.perSecond / other.perSecond) * 100).toFixed(0)}%` : 'n/a';
  };
  const newFloor = floorTargetName('local-then-activity');
  const cell = (value: number | undefined) => value ?? 'n/a';
  return {
    id: 'b',
    title: 'End to end: webhook to reply',
    method: [
      `${settings.concurrency} senders, each sending a message and waiting for its reply, starting messages for ${(settings.phaseMs * 2) / 1000} s (replies/s = replies over the time until the last of them arrived), over ${settings.chats} chats opened beforehand (one message each, not measured).`,
      'The product gets signed Telegram webhooks and replies to the fake Telegram; the model fake answers at once; the bot has a 0 ms debounce window and moderation on.',
      `A chat gets its next message ${TELEGRAM_GAP_MS} ms after its last reply at the earliest, so Telegram pacing (one message a second per chat) never counts as latency.`,
      'The naive handler is a plain HTTP server that calls the fake OpenAI and then the fake Telegram before answering the webhook.',
      'Each floor is the conversation entity (messages by signalWithStart or update-with-start, a queue, one turn at a time, continue-as-new) running one shape of turn with empty activities, on its own task queue and worker, driven from the benchmark process (no HTTP, no Postgres).',
      'CPU per turn: user + system time from /proc/<pid>/stat of the Temporal dev server, the worker and the API process (for the naive handler, its own process), read just before and just after the measured phase, divided by the replies in between. A floor has no API process: its RPCs come from the benchmark.',
      `Per turn in the history: one fresh chat gets a message, then ${settings.historyTurns} more one at a time; its workflow history (client fetchHistory, once settled) is read after the first and after the last, and the difference divided by ${settings.historyTurns}. Opening is the first read: the start and the first turn.`,
    ],
    tables: [
      {
        header: ['variant', 'replies /s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'orchestrator as % of it'],
        rows: Object.entries(results).map(([name, { result }]) => {
          const s = result.latencies.summary();
          return [labels[name] ?? name, result.perSecond, s.p50, s.p99, s.max, result.errors, name === 'product' ? '' : ratio(name)];
        }),
      },
      {
        caption: 'CPU per turn (ms) and what a turn adds to the history',
        header: ['variant', 'Temporal server', 'worker', 'API', 'server + worker', 'events', 'workflow tasks', 'activities', 'local activities', 'timers', 'opening: events / workflow tasks'],
        rows: Object.entries(results).map(([name, { cpu, history, historyError }]) => [
          name,
          cell(cpu.temporal),
          cell(cpu.worker),
          cell(cpu.api),
          cell(cpu.temporalSide),
          ...(history
            ? [history.perTurn.events, history.perTurn.workflowTasks, history.perTurn.activities, history.perTurn.localActivities, history.perTurn.timers, `${history.opening.events} / ${history.opening.workflowTasks}`]
            : Array(6).fill(historyError ? 'failed' : 'n/a')),
        ]),
      },
    ],
    charts: [{ title: 'End-to-end reply latency CDF', series: Object.entries(results).map(([name, { result }]) => ({ name, cdf: result.latencies.cdf() })) }],
    findings: [
      `The orchestrator sustained ${product.perSecond} replies/s: ${ratio('floor')} of the floor of today's shape, ${ratio(newFloor)} of the floor of the new shape and ${ratio('naive')} of the naive handler.`,
      ...Object.entries(results).filter(([, m]) => m.result.firstError).map(([name, m]) => `First ${name} error: ${m.result.firstError}`),
      ...Object.entries(results).filter(([, m]) => m.historyError).map(([name, m]) => `${name}: history probe failed: ${m.historyError}`),
    ],
    data: Object.fromEntries(Object.entries(results).map(([name, m]) => [name, { ...m.result, latencies: m.result.latencies.summary(), cpu: m.cpu, history: m.history, historyError: m.historyError }])),
  };
}

/** The figures of (b) a later report sets beside its own; reads earlier reports' data too. */
export function endToEndFigures(data: Record<string, any>): Figures {
  const figures: Figures = {};
  for (const [name, variant] of Object.entries(data)) {
    figures[`${name}: replies/s`] = variant?.perSecond;
    figures[`${name}: p50 ms`] = variant?.latencies?.p50;
    figures[`${name}: p99 ms`] = variant?.latencies?.p99;
    figures[`${name}: errors`] = variant?.errors;
    figures[`${name}: server + worker CPU ms/turn`] = variant?.cpu?.temporalSide;
    figures[`${name}: API CPU ms/turn`] = variant?.cpu?.api;
    figures[`${name}: events/turn`] = variant?.history?.perTurn?.events;
    figures[`${name}: workflow tasks/turn`] = variant?.history?.perTurn?.workflowTasks;
  }
  return figures;
}
