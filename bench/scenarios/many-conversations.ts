import { BENCH_BOT_ID, startBenchStack } from '../support/bench-stack';
import { forEachBounded, retrying, sleep } from '../support/chat-pool';
import { residentMb } from '../support/child-process';
import { range, roundTrip } from '../support/end-to-end-load';
import { Latencies } from '../support/histogram';
import { progressBar } from '../support/progress-bar';
import { postTelegramWebhook, telegramInbound } from '../support/telegram-traffic';
import type { Figures } from '../support/previous-figures';
import type { Scenario } from './scenario';
import { DEFAULT_CACHED_CONVERSATIONS } from '../../src/config';

const START_CONCURRENCY = 64;
const STALL_MS = 60_000;

/**
 * (d) Many open, idle conversations: the memory of the worker and of the Temporal server, and the
 * latency of a new message among them.
 */
export const manyConversations: Scenario = async ({ logger, settings, startServers }) => {
  const servers = await startServers();
  const stack = await startBenchStack(servers, logger);
  const count = settings.conversations;
  const probes = settings.quick ? 20 : 50;
  const latencies = new Latencies();
  const memory: Array<{ when: string; workerMb?: number; temporalMb?: number; apiMb?: number }> = [];
  let startSeconds = 0;
  try {
    const worker = await stack.startWorker();
    const sample = (when: string) => memory.push({ when, workerMb: residentMb(worker.pid), temporalMb: residentMb(servers.temporalPid), apiMb: residentMb(stack.api.pid) });
    sample('idle, no conversations');

    // One message each through signalWithStart, as the API does; then wait for every reply.
    const chatIds = range(2_000_000, count);
    const started = Date.now();
    const bar = progressBar(`open ${count} conversations`, count);
    const firstReplies = stack.replies.count;
    const replied = () => stack.replies.count - firstReplies;
    let accepted = 0;
    const ticker = setInterval(() => bar.update(replied(), `accepted ${accepted}, answered ${replied()}`), 250);
    await forEachBounded(chatIds, START_CONCURRENCY, async (chatId) => {
      const message = telegramInbound(BENCH_BOT_ID, chatId, `d-open-${chatId}`);
      await retrying(() => stack.intake.accept(message));
      accepted++;
    });
    // Wait while replies keep coming; give up only when none has come for a minute.
    let lastProgress = { at: Date.now(), replied: replied() };
    while (replied() < count && Date.now() - lastProgress.at < STALL_MS) {
      await sleep(100);
      if (replied() > lastProgress.replied) lastProgress = { at: Date.now(), replied: replied() };
    }
    clearInterval(ticker);
    bar.update(replied(), `accepted ${accepted}, answered ${replied()}`);
    bar.finish();
    startSeconds = (Date.now() - started) / 1000;
    if (replied() < count) throw new Error(`only ${replied()} of ${count} conversations answered their first message; none more for ${STALL_MS / 1000} s`);
    await sleep(2_000);
    sample(`${count} open idle conversations`);

    const probeBar = progressBar(`new message among ${count}`, probes);
    const target = { name: 'product', minGapMs: 0, replies: stack.replies, send: (chatId: number, token: string) => postTelegramWebhook(stack.webhookUrl, chatId, token) };
    for (let i = 0; i < probes; i++) {
      const chatId = chatIds[Math.floor(Math.random() * count)]!;
      const { sentAt, repliedAt } = await roundTrip(target, chatId, 'd-probe');
      latencies.record(repliedAt - sentAt);
      probeBar.update(i + 1);
    }
    probeBar.finish();
    sample(`after ${probes} more messages`);
  } finally {
    await stack.close();
    await servers.stop();
  }

  const s = latencies.summary();
  return {
    id: 'd',
    title: 'Many conversations',
    method: [
      `${count} conversations opened with one message each (signalWithStart, ${START_CONCURRENCY} at a time) and answered; then left idle (idle timeout 24 h).`,
      'Memory is the resident set (VmRSS from /proc) of the worker process, the Temporal dev server and the HTTP API process.',
      `Then ${probes} new messages, one at a time, to conversations picked at random among them (webhook → reply at the fake Telegram). The worker keeps ${process.env.WORKER_MAX_CACHED_WORKFLOWS ?? DEFAULT_CACHED_CONVERSATIONS} conversations cached (\`WORKER_MAX_CACHED_WORKFLOWS\`) and replays the others at their next message.`,
    ],
    tables: [
      {
        header: ['when', 'worker RSS MB', 'Temporal server RSS MB', 'HTTP API RSS MB'],
        rows: memory.map((m) => [m.when, m.workerMb ?? 'n/a', m.temporalMb ?? 'n/a', m.apiMb ?? 'n/a']),
      },
      {
        header: ['conversations', 'opened and answered in s', 'new message p50 ms', 'p99 ms', 'max ms'],
        rows: [[count, Math.round(startSeconds), s.p50, s.p99, s.max]],
      },
    ],
    charts: [{ title: `Reply latency of a new message among ${count} open conversations (CDF)`, series: [{ name: `${count} open`, cdf: latencies.cdf() }] }],
    findings: [`${count} conversations opened and answered in ${Math.round(startSeconds)} s (${Math.round(count / startSeconds)}/s).`],
    data: { count, startSeconds, memory, probe: s },
  };
};

/** The figures of (d) a later report sets beside its own. */
export function manyConversationsFigures(data: Record<string, any>): Figures {
  const open = ((data.memory ?? []) as Array<{ when: string; workerMb?: number; temporalMb?: number }>).find((m) => m.when.endsWith('open idle conversations'));
  return {
    conversations: data.count,
    'opened /s': data.count && data.startSeconds ? Math.round((data.count / data.startSeconds) * 10) / 10 : undefined,
    'worker RSS MB, all open': open?.workerMb,
    'Temporal RSS MB, all open': open?.temporalMb,
    'new message p50 ms': data.probe?.p50,
  };
}
