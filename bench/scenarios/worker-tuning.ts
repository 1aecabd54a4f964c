import type { WorkerTuning } from '../../src/wiring';
import { startBenchStack } from '../support/bench-stack';
import type { ClosedLoopResult } from '../support/closed-loop-load';
import { range } from '../support/end-to-end-load';
import type { CpuPerTurn } from '../support/process-cpu';
import { postTelegramWebhook } from '../support/telegram-traffic';
import { measureVariant } from '../support/variant-measurement';
import { TELEGRAM_GAP_MS } from './end-to-end';
import type { Figures } from '../support/previous-figures';
import type { Scenario } from './scenario';

/** Worker settings tried on the end-to-end workload; the second is what the product runs. */
export const TUNING_VARIANTS: Array<{ name: string; tuning: WorkerTuning }> = [
  { name: 'SDK defaults, eager activities off', tuning: { maxEagerActivityReservationsPerWorkflowTask: 0 } },
  { name: 'SDK defaults with eager activities (the product)', tuning: {} },
  { name: 'small: 10 workflow tasks, 20 activities, 2+2 pollers', tuning: { maxConcurrentWorkflowTaskExecutions: 10, maxConcurrentActivityTaskExecutions: 20, workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 2 }, activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 2 } } },
  { name: 'large: 100 workflow tasks, 200 activities, autoscaling pollers', tuning: { maxConcurrentWorkflowTaskExecutions: 100, maxConcurrentActivityTaskExecutions: 200, maxConcurrentLocalActivityExecutions: 200, workflowTaskPollerBehavior: { type: 'autoscaling' }, activityTaskPollerBehavior: { type: 'autoscaling' } } },
  { name: '2 workflow threads', tuning: { workflowThreadPoolSize: 2 } },
  { name: 'cache of 100 workflows', tuning: { maxCachedWorkflows: 100 } },
];

/**
 * (t) The end-to-end workload of (b) once per worker setting, to find the settings that win on
 * this machine.
 */
export const workerTuning: Scenario = async ({ logger, settings, startServers }) => {
  const servers = await startServers();
  const stack = await startBenchStack(servers, logger);
  const chatIds = range(1, settings.chats);
  const results: Array<{ name: string; tuning: WorkerTuning; result: ClosedLoopResult; cpu: CpuPerTurn }> = [];
  const failed: Array<{ name: string; tuning: WorkerTuning; error: string }> = [];
  const target = {
    name: 'product',
    minGapMs: TELEGRAM_GAP_MS,
    replies: stack.replies,
    send: (chatId: number, token: string) => postTelegramWebhook(stack.webhookUrl, chatId, token),
  };
  try {
    for (const [index, variant] of TUNING_VARIANTS.entries()) {
      process.stderr.write(`  worker variant ${index + 1}/${TUNING_VARIANTS.length}: ${variant.name}\n`);
      try {
        await stack.startWorker(variant.tuning);
        // The warm-up also refills the new worker's cache, so each variant starts alike.
        const { result, cpu } = await measureVariant(target, {
          chatIds,
          concurrency: settings.concurrency,
          durationMs: settings.phaseMs * 2,
          label: `variant ${index + 1}`,
          cpuPids: () => ({ temporal: servers.temporalPid, worker: stack.worker?.pid, api: stack.api.pid }),
        });
        results.push({ ...variant, result, cpu });
      } catch (error) {
        // One setting that cannot keep up must not cost the others their measurement.
        failed.push({ ...variant, error: error instanceof Error ? error.message : String(error) });
        process.stderr.write(`  worker variant ${index + 1} failed: ${failed.at(-1)!.error}\n`);
      }
    }
  } finally {
    await stack.close();
    await servers.stop();
  }

  if (results.length === 0) throw new Error(`every worker setting failed; the first: ${failed[0]?.error}`);
  const best = [...results].sort((a, b) => b.result.perSecond - a.result.perSecond || a.result.latencies.quantile(0.99) - b.result.latencies.quantile(0.99))[0]!;
  const product = results.find((r) => r.name === TUNING_VARIANTS[1]!.name);
  return {
    id: 't',
    title: 'Worker tuning',
    method: [
      `The end-to-end workload of (b) (${settings.concurrency} senders, ${settings.chats} chats, ${(settings.phaseMs * 2) / 1000} s) once per worker setting, each on a fresh worker process after one unmeasured message per chat.`,
      'CPU per turn as in (b): the Temporal server and the worker process, from /proc, around the measured phase.',
      'The Temporal dev server allows eager activity execution (`system.enableActivityEagerExecution`), as the product\'s dev server settings and `temporal-config/` do.',
    ],
    tables: [
      {
        header: ['worker settings', 'replies /s', 'p50 ms', 'p99 ms', 'errors', 'server + worker CPU ms/turn', 'options'],
        rows: results.map(({ name, tuning, result, cpu }) => {
          const s = result.latencies.summary();
          return [name === best.name ? `**${name}**` : name, result.perSecond, s.p50, s.p99, result.errors, cpu.temporalSide ?? 'n/a', `\`${JSON.stringify(tuning)}\``];
        }).concat(failed.map(({ name, tuning, error }) => [name, 'failed', '', '', error, '', `\`${JSON.stringify(tuning)}\``])),
      },
    ],
    charts: [{ title: 'End-to-end reply latency by worker setting (CDF)', series: results.map(({ name, result }) => ({ name, cdf: result.latencies.cdf() })) }],
    findings: [
      `Winner on this run: ${best.name}, ${best.result.perSecond} replies/s (p99 ${best.result.latencies.summary().p99} ms)${product ? ` against ${product.result.perSecond} replies/s with the product's settings` : ''}.`,
      ...failed.map(({ name, error }) => `${name} did not finish: ${error}`),
      ...results.filter(({ result }) => result.firstError).map(({ name, result }) => `First error with ${name}: ${result.firstError}`),
    ],
    data: { variants: results.map(({ name, tuning, result, cpu }) => ({ name, tuning, ...result, latencies: result.latencies.summary(), cpu })), failed, winner: best.name },
  };
};

/** The figures of (t) a later report sets beside its own. */
export function workerTuningFigures(data: Record<string, any>): Figures {
  const variants = (data.variants ?? []) as Array<{ name: string; perSecond: number; cpu?: CpuPerTurn }>;
  return Object.fromEntries(variants.flatMap((v) => [[`${v.name}: replies/s`, v.perSecond], [`${v.name}: server + worker CPU ms/turn`, v.cpu?.temporalSide]]));
}
