import { startFloor } from '../floor/floor-target';
import { postApiMessageAndWait } from '../support/api-channel-message';
import { startBenchStack } from '../support/bench-stack';
import { sleep } from '../support/chat-pool';
import { roundTrip } from '../support/end-to-end-load';
import { Latencies } from '../support/histogram';
import type { Figures } from '../support/previous-figures';
import { type CpuPerTurn, cpuPerTurn, type CpuRoles, snapshotCpu } from '../support/process-cpu';
import { progressBar } from '../support/progress-bar';
import type { Scenario } from './scenario';

const WARM_UP = 3;
/** Between one reply and the next message, so every message finds the machine idle. */
const PAUSE_MS = 100;

interface IdleSeries {
  latencies: Latencies;
  cpu: CpuPerTurn;
  errors: number;
  firstError?: string;
}

/**
 * (i) Idle latency: one message at a time on an open conversation, nothing else running. The
 * product's API channel with `?wait=true` (the model answers at once), beside the bare
 * update-with-start RPC to a workflow that answers its update with no activity at all (the least
 * a durable request-reply can take on this machine), and the same with the turn's shape in empty
 * steps (the least this shape can take).
 */
export const idleLatency: Scenario = async ({ logger, settings, startServers, floorBundlePath }) => {
  const servers = await startServers();
  const stack = await startBenchStack(servers, logger);
  const count = settings.idleMessages;
  let product: IdleSeries;
  const floors: Partial<Record<'local-then-activity-by-update' | 'activity-only-by-update' | 'update-only', IdleSeries>> = {};
  try {
    await stack.startWorker();
    let n = 0;
    product = await measureIdle('API ?wait=true', count, () => ({ temporal: servers.temporalPid, worker: stack.worker?.pid, api: stack.api.pid }), () =>
      postApiMessageAndWait(stack.baseUrl, { chatId: 'idle-latency', messageId: `i${++n}`, text: `bench i-${n}` }),
    );
    await stack.stopWorker();

    for (const shape of ['local-then-activity-by-update', 'activity-only-by-update', 'update-only'] as const) {
      const floor = await startFloor({ shape, temporalAddress: servers.temporalAddress, bundlePath: floorBundlePath });
      try {
        floors[shape] = await measureIdle(shape, count, () => ({ temporal: servers.temporalPid, worker: floor.worker.pid }), async () => {
          const { sentAt, repliedAt } = await roundTrip(floor, 1, 'idle');
          return repliedAt - sentAt;
        });
      } finally {
        await floor.close();
      }
    }
  } finally {
    await stack.close();
    await servers.stop();
  }

  const floorOfShape = floors['local-then-activity-by-update']!;
  const bare = floors['update-only']!;
  const rows = (
    [
      ['product: API channel, ?wait=true', product],
      ['floor of the new shape by update-with-start: empty beginTurn (local) + runTurn', floorOfShape],
      ['floor of one activity by update-with-start', floors['activity-only-by-update']!],
      ['bare update-with-start RPC, no activity', bare],
    ] as const
  ).map(([label, series]) => {
    const s = series.latencies.summary();
    return [label, s.count, s.p50, s.p99, s.max, series.cpu.temporal ?? 'n/a', series.cpu.worker ?? 'n/a', series.cpu.api ?? 'n/a', series.errors];
  });
  const p = product.latencies.summary();
  const b = bare.latencies.summary();
  const f = floorOfShape.latencies.summary();
  return {
    id: 'i',
    title: 'Idle latency: one message, nothing else running',
    method: [
      `${count} messages one at a time to one open conversation, each ${PAUSE_MS} ms after the previous reply, after ${WARM_UP} unmeasured ones.`,
      'Product: `POST /v1/bots/:botId/messages?wait=true` on the API channel, HTTP to the answer in the response; the model fake answers at once; 0 ms debounce.',
      'Floor of the new shape: `executeUpdateWithStart` to a floor workflow that runs the turn as an empty local activity and an empty activity, then returns (`local-then-activity-by-update`): what the shape alone costs, with no work in its steps.',
      'Bare: `executeUpdateWithStart` from the benchmark process to a floor workflow whose update handler returns with no activity (`update-only` in bench/floor/floor-shapes.ts), on its own worker.',
      'CPU per message from /proc/<pid>/stat of the Temporal dev server, the worker and the API process, around the measured messages.',
    ],
    tables: [{ header: ['variant', 'messages', 'p50 ms', 'p99 ms', 'max ms', 'Temporal server CPU ms', 'worker CPU ms', 'API CPU ms', 'errors'], rows }],
    charts: [
      {
        title: 'Idle single-message latency (CDF)',
        series: [
          { name: 'API ?wait=true', cdf: product.latencies.cdf() },
          { name: 'floor of the shape', cdf: floorOfShape.latencies.cdf() },
          { name: 'update-with-start', cdf: bare.latencies.cdf() },
        ],
      },
    ],
    findings: [
      `An idle message on the API channel took ${p.p50} ms at p50 (p99 ${p.p99} ms); the bare update-with-start RPC ${b.p50} ms (p99 ${b.p99} ms): the product adds ${(p.p50 - b.p50).toFixed(1)} ms at p50.`,
      `The new shape with empty steps takes ${f.p50} ms at p50: the least a turn of one local activity and one activity costs here, so the product's own work (database, model and moderation calls, the payload codec) is ${(p.p50 - f.p50).toFixed(1)} ms of its p50.`,
      ...[product, floorOfShape, bare].filter((s) => s.firstError).map((s) => `First error: ${s.firstError}`),
    ],
    data: {
      product: { latencies: p, cpu: product.cpu, errors: product.errors },
      floorOfShape: { latencies: f, cpu: floorOfShape.cpu, errors: floorOfShape.errors },
      updateWithStart: { latencies: b, cpu: bare.cpu, errors: bare.errors },
    },
  };
};

async function measureIdle(label: string, count: number, pids: () => CpuRoles, once: () => Promise<number>): Promise<IdleSeries> {
  for (let i = 0; i < WARM_UP; i++) await once();
  const series: IdleSeries = { latencies: new Latencies(), cpu: { turns: 0 }, errors: 0 };
  const bar = progressBar(label, count);
  await sleep(PAUSE_MS);
  const roles = pids();
  const before = snapshotCpu(roles);
  for (let i = 0; i < count; i++) {
    try {
      series.latencies.record(await once());
    } catch (error) {
      series.errors++;
      series.firstError ??= error instanceof Error ? error.message : String(error);
    }
    bar.update(i + 1, series.errors ? `${series.errors} failed` : '');
    await sleep(PAUSE_MS);
  }
  bar.finish();
  series.cpu = cpuPerTurn(before, snapshotCpu(roles), series.latencies.count);
  return series;
}

/**
 * The figures of (i) a later report sets beside its own. Reports from before (i) existed measured
 * the same idle message in (c), the long conversation: its first messages stand in for it.
 */
export function idleLatencyFigures(data: Record<string, any>): Figures {
  const product = data.product?.latencies ?? data.early;
  return {
    'API ?wait=true p50 ms': product?.p50,
    'API ?wait=true p99 ms': product?.p99,
    'floor of the shape p50 ms': data.floorOfShape?.latencies?.p50,
    'update-with-start p50 ms': data.updateWithStart?.latencies?.p50,
    'update-with-start p99 ms': data.updateWithStart?.latencies?.p99,
    'API ?wait=true server + worker CPU ms': data.product?.cpu?.temporalSide,
    'API ?wait=true API CPU ms': data.product?.cpu?.api,
  };
}
