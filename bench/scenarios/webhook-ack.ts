import { BENCH_BOT_ID, startBenchStack } from '../support/bench-stack';
import { forEachBounded, retrying } from '../support/chat-pool';
import { range } from '../support/end-to-end-load';
import { runOpenLoop, type OpenLoopResult } from '../support/open-loop-load';
import { progressBar } from '../support/progress-bar';
import { postTelegramWebhook, telegramInbound } from '../support/telegram-traffic';
import type { Figures } from '../support/previous-figures';
import type { Scenario } from './scenario';

/**
 * (a) Webhook acknowledgement at fixed rates: signed Telegram webhooks through the HTTP API, and
 * beside them the bare signalWithStart RPC the API makes for each, from the benchmark process.
 */
export const webhookAck: Scenario = async ({ logger, settings, startServers }) => {
  const servers = await startServers();
  const stack = await startBenchStack(servers, logger);
  try {
    const chats = settings.chats;
    const httpChats = range(1, chats);
    const rpcChats = range(1_000_000, chats);
    const warm = progressBar(`open ${chats * 2} conversations`, chats * 2);
    await forEachBounded([...httpChats, ...rpcChats], 32, async (chatId) => {
      if (chatId < 1_000_000) await retrying(() => postTelegramWebhook(stack.webhookUrl, chatId, `a-warm-${chatId}`));
      else await retrying(() => stack.intake.accept(telegramInbound(BENCH_BOT_ID, chatId, `a-warm-${chatId}`)));
    }, (done) => warm.update(done));
    warm.finish();

    const phases: Array<{ rate: number; http: OpenLoopResult; rpc: OpenLoopResult }> = [];
    for (const rate of settings.rates) {
      const http = await runOpenLoop({
        label: `webhook ${rate}/s`,
        rate,
        durationMs: settings.phaseMs,
        send: (i) => postTelegramWebhook(stack.webhookUrl, httpChats[i % chats]!, `a-${rate}-${i}`),
      });
      const rpc = await runOpenLoop({
        label: `signalWithStart ${rate}/s`,
        rate,
        durationMs: settings.phaseMs,
        send: (i) => stack.intake.accept(telegramInbound(BENCH_BOT_ID, rpcChats[i % chats]!, `a-rpc-${rate}-${i}`)),
      });
      phases.push({ rate, http, rpc });
    }

    const failed = (r: OpenLoopResult) => r.errors + r.dropped + r.timedOut;
    return {
      id: 'a',
      title: 'Webhook acknowledgement',
      method: [
        `Signed Telegram webhooks sent open-loop at ${settings.rates.join(', ')} requests a second, ${settings.phaseMs / 1000} s each, over ${chats} open conversations; a 2xx means Temporal holds the message.`,
        'Beside each rate, the same rate of bare signalWithStart calls (the RPC the HTTP API makes for each webhook) from the benchmark process, on other open conversations.',
        'Latency counts from when each request was due, so a sender or server that falls behind shows as latency. Errors include requests not answered 15 s after the last was sent. No worker runs: this measures acceptance alone.',
      ],
      tables: [
        {
          header: ['rate /s', 'webhook p50 ms', 'webhook p99 ms', 'webhook errors', 'webhooks done /s', 'signalWithStart p50 ms', 'signalWithStart p99 ms', 'RPC errors'],
          rows: phases.map(({ rate, http, rpc }) => {
            const h = http.latencies.summary();
            const r = rpc.latencies.summary();
            return [rate, h.p50, h.p99, `${failed(http)}/${http.planned}`, http.achievedPerSecond, r.p50, r.p99, `${failed(rpc)}/${rpc.planned}`];
          }),
        },
      ],
      charts: [
        {
          title: 'Webhook acknowledgement vs bare signalWithStart: latency CDF',
          series: phases.flatMap(({ rate, http, rpc }) => [
            { name: `webhook ${rate}/s`, cdf: http.latencies.cdf() },
            { name: `signalWithStart ${rate}/s`, cdf: rpc.latencies.cdf() },
          ]),
        },
      ],
      findings: phases.flatMap(({ rate, http, rpc }) => {
        const notes: string[] = [];
        const h = http.latencies.summary();
        const r = rpc.latencies.summary();
        if (Number.isFinite(h.p50) && Number.isFinite(r.p50)) {
          notes.push(`At ${rate}/s the HTTP layer adds ${(h.p50 - r.p50).toFixed(1)} ms at p50 and ${(h.p99 - r.p99).toFixed(1)} ms at p99 over the bare RPC.`);
        }
        if (http.firstError) notes.push(`First webhook error at ${rate}/s: ${http.firstError}`);
        if (rpc.firstError) notes.push(`First RPC error at ${rate}/s: ${rpc.firstError}`);
        return notes;
      }),
      data: {
        phases: phases.map(({ rate, http, rpc }) => ({
          rate,
          webhook: { ...http, latencies: http.latencies.summary() },
          signalWithStart: { ...rpc, latencies: rpc.latencies.summary() },
        })),
      },
    };
  } finally {
    await stack.close();
    await servers.stop();
  }
};

/** The figures of (a) a later report sets beside its own. */
export function webhookAckFigures(data: Record<string, any>): Figures {
  const figures: Figures = {};
  for (const phase of (data.phases ?? []) as any[]) {
    figures[`${phase.rate}/s: webhook p99 ms`] = phase.webhook?.latencies?.p99;
    figures[`${phase.rate}/s: signalWithStart p99 ms`] = phase.signalWithStart?.latencies?.p99;
    figures[`${phase.rate}/s: webhook errors`] = phase.webhook ? phase.webhook.errors + phase.webhook.dropped + phase.webhook.timedOut : undefined;
  }
  return figures;
}
