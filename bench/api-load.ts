/**
 * `/v1` latency under a fixed, open-loop request rate: starts the product in its production shape
 * (Temporal dev server, embedded PostgreSQL, the API and a worker as their own processes, a fake
 * OpenAI), seeds a history, creates an admin key, then sends a mix of reads, analytics and
 * API-channel messages at a fixed rate whether or not the server keeps up, and reports the
 * latency per route from each request's due time.
 *
 *   npm run bench:api -- --rate 200 --duration 30 --warmup 5 --seed-messages 100000
 *
 * The per-key rate limit (`RATE_LIMIT_API_PER_MINUTE`, 600 by default) would answer most of this
 * load with 429, so the benchmark raises it to 1,000,000 for the API process it starts.
 */
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import pino from 'pino';
import { startApiLoadStack } from './support/api-load-stack';
import { formatMarkdownTable, writeBenchResult, writeStatusLine } from './support/bench-report';
import { runFixedRateLoad } from './support/fixed-rate-load';
import { type LatencySummary, summarizeLatencies } from './support/histogram';
import { seedAnalyticsHistory, seededBotIds } from './support/seed-analytics-history';
import { seededRandom } from '../test/support/seeded-random';
import { exitCleanlyOnInterrupt } from '../test/support/interrupts';

const USAGE = `Usage: npm run bench:api -- [--rate 200] [--duration 30] [--warmup 5] [--mix all|reads]
                          [--seed-messages 100000] [--seed-conversations 5000]

  --mix   all: reads, analytics and API-channel messages (20%); reads: without the messages, so
          the figures are the HTTP layer's and Postgres's alone, not the workflows' they start`;

const { values } = parseCommandLine();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const RATE = positiveNumber('rate', values.rate);
const DURATION_S = positiveNumber('duration', values.duration);
const WARMUP_S = Number(values.warmup);
const SEED = { messages: positiveNumber('seed-messages', values['seed-messages']), conversations: positiveNumber('seed-conversations', values['seed-conversations']), bots: 5, days: 90 };
const MIX = values.mix;
if (MIX !== 'all' && MIX !== 'reads') {
  process.stderr.write(`--mix must be "all" or "reads", not "${MIX}".\n${USAGE}\n`);
  process.exit(2);
}
const RATE_LIMIT_PER_MINUTE = 1_000_000;
const REQUEST_TIMEOUT_MS = 10_000;
const DAY_MS = 24 * 3600 * 1000;

interface Target {
  bots: string[];
  conversationIds: string[];
  runId: string;
}

interface Route {
  name: string;
  /** Share of the requests, in percent. */
  weight: number;
  request(target: Target, pick: () => number, index: number): { method: 'GET' | 'POST'; path: string; body?: unknown };
}

/** A dashboard's and an integrator's traffic: mostly reads, some messages, a little analytics. */
const ALL_ROUTES: Route[] = [
  { name: 'GET /v1/bots', weight: 15, request: () => ({ method: 'GET', path: '/v1/bots?limit=20' }) },
  { name: 'GET /v1/bots/:botId', weight: 15, request: (t, pick) => ({ method: 'GET', path: `/v1/bots/${choose(t.bots, pick)}` }) },
  {
    name: 'GET /v1/conversations',
    weight: 20,
    request: (t, pick) => ({ method: 'GET', path: `/v1/conversations?botId=${choose(t.bots, pick)}&limit=50` }),
  },
  {
    name: 'GET /v1/conversations/:id/messages',
    weight: 25,
    request: (t, pick) => ({ method: 'GET', path: `/v1/conversations/${choose(t.conversationIds, pick)}/messages?limit=100` }),
  },
  {
    name: 'GET /v1/analytics/summary',
    weight: 5,
    request: (t, pick) => {
      const days = choose([1, 7, 30], pick);
      const to = new Date();
      const from = new Date(to.getTime() - days * DAY_MS);
      return { method: 'GET', path: `/v1/analytics/summary?botId=${choose(t.bots, pick)}&from=${from.toISOString()}&to=${to.toISOString()}` };
    },
  },
  {
    name: 'POST /v1/bots/:botId/messages',
    weight: 20,
    request: (t, pick, index) => {
      const chat = Math.floor(pick() * 500);
      return {
        method: 'POST',
        path: `/v1/bots/${choose(t.bots, pick)}/messages`,
        body: { chatId: `load-${chat}`, userId: `load-user-${chat}`, messageId: `${t.runId}-${index}`, text: `Hello, question number ${index}` },
      };
    },
  },
];

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        rate: { type: 'string', default: '200' },
        duration: { type: 'string', default: '30' },
        warmup: { type: 'string', default: '5' },
        mix: { type: 'string', default: 'all' },
        'seed-messages': { type: 'string', default: '100000' },
        'seed-conversations': { type: 'string', default: '5000' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
}

/** The routes this run sends, by `--mix`. */
const ROUTES = MIX === 'reads' ? ALL_ROUTES.filter((route) => !route.name.startsWith('POST')) : ALL_ROUTES;

async function main(): Promise<void> {
  exitCleanlyOnInterrupt();
  // Errors only: under overload the Temporal dev server warns about every slow call.
  const logger = pino({ level: 'error' });
  process.stderr.write('Starting Temporal, PostgreSQL, the API and a worker…\n');
  const stack = await startApiLoadStack(logger, { RATE_LIMIT_API_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) });
  try {
    const target = await seedTarget(stack.databaseUrl);
    const apiKey = await createAdminKey(stack.baseUrl, stack.bootstrapKey);
    const pick = seededRandom(42);
    const send = async (index: number, dueAt: number, record: (route: Route, ms: number, outcome: string) => void) => {
      const route = pickRoute(pick);
      const { method, path, body } = route.request(target, pick, index);
      let outcome: string;
      try {
        const response = await fetch(`${stack.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        outcome = String(response.status);
      } catch (error) {
        outcome = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network error';
      }
      record(route, performance.now() - dueAt, outcome);
    };

    if (WARMUP_S > 0) {
      process.stderr.write(`Warm-up: ${WARMUP_S} s at ${RATE} req/s (not measured)\n`);
      await runFixedRateLoad({ ratePerSecond: RATE, durationMs: WARMUP_S * 1000, send: (i, due) => send(1_000_000 + i, due, () => undefined) });
    }

    process.stderr.write(`Load: ${DURATION_S} s at ${RATE} req/s\n`);
    const samples = new Map<string, { latencies: number[]; outcomes: Record<string, number> }>();
    let done = 0;
    let failed = 0;
    const record = (route: Route, ms: number, outcome: string) => {
      const entry = samples.get(route.name) ?? { latencies: [], outcomes: {} };
      samples.set(route.name, entry);
      entry.latencies.push(ms);
      entry.outcomes[outcome] = (entry.outcomes[outcome] ?? 0) + 1;
      done++;
      if (!isSuccess(outcome)) failed++;
    };
    const load = await runFixedRateLoad({
      ratePerSecond: RATE,
      durationMs: DURATION_S * 1000,
      send: (index, dueAt) => send(index, dueAt, record),
      onSecond: (elapsedMs, started) =>
        writeStatusLine(`  ${(elapsedMs / 1000).toFixed(0).padStart(3)} s  sent ${started}  answered ${done}  in flight ${started - done}  errors ${failed}`),
    });
    process.stderr.write('\n');

    const routes = ROUTES.map((route) => {
      const entry = samples.get(route.name) ?? { latencies: [], outcomes: {} };
      return { route: route.name, ...summarizeLatencies(entry.latencies), errors: countErrors(entry.outcomes), outcomes: entry.outcomes };
    });
    const all = [...samples.values()];
    const overall = { route: 'all', ...summarizeLatencies(all.flatMap((e) => e.latencies)), errors: failed, outcomes: mergeOutcomes(all.map((e) => e.outcomes)) };
    const sendRate = load.started / (load.sendPhaseMs / 1000);
    const answerRate = done / (load.elapsedMs / 1000);
    const sendLag = summarizeLatencies(load.sendLagMs);
    // Held: sent on time, nothing timed out, and no backlog left to drain once sending stopped.
    const drainMs = load.elapsedMs - load.sendPhaseMs;
    const held = sendRate >= RATE * 0.98 && (overall.outcomes.timeout ?? 0) === 0 && drainMs <= 1000;

    const row = (r: LatencySummary & { route: string; errors: number }) => [r.route, r.count, r.p50, r.p90, r.p99, r.max, r.errors];
    process.stdout.write(
      [
        '',
        `/v1 latency at ${RATE} req/s for ${DURATION_S} s, open loop, measured from each request's due time ` +
          `(mix: ${MIX}; ${SEED.messages.toLocaleString('en')} seeded messages; API key rate limit raised to ${RATE_LIMIT_PER_MINUTE.toLocaleString('en')}/min)`,
        '',
        formatMarkdownTable(['route', 'requests', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors'], [...routes.map(row), row(overall)]),
        '',
        `Rate: sent ${sendRate.toFixed(1)} req/s, answered ${answerRate.toFixed(1)} req/s (target ${RATE}); ` +
          `generator lag p99 ${sendLag.p99} ms; ${Math.round(drainMs)} ms to drain after the last send. ${held ? `Held ${RATE} req/s.` : `Did NOT hold ${RATE} req/s.`}`,
        failed > 0 ? `Errors by status: ${JSON.stringify(overall.outcomes)}` : 'No errors.',
        ...summarizeApiErrors(stack.apiErrors()),
        '',
      ].join('\n'),
    );
    const file = writeBenchResult('api-load', {
      rate: RATE,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      seed: SEED,
      rateLimitApiPerMinute: RATE_LIMIT_PER_MINUTE,
      achieved: { sendRate, answerRate, drainMs, sendLagMs: sendLag, held },
      routes,
      overall,
    });
    process.stdout.write(`JSON: ${file}\n`);
  } finally {
    await stack.stop();
  }
}

/** Seeds a history the reads can find, and returns what the requests will ask about. */
async function seedTarget(databaseUrl: string): Promise<Target> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await seedAnalyticsHistory(client, SEED, (line) => writeStatusLine(`  seed: ${line}`));
    await client.query('vacuum (analyze) messages, conversations, bots');
    process.stderr.write('\n');
    const { rows } = await client.query<{ id: string }>('select id from conversations order by random() limit 1000');
    return { bots: seededBotIds(SEED.bots), conversationIds: rows.map((row) => row.id), runId: Date.now().toString(36) };
  } finally {
    await client.end();
  }
}

/** An admin key made through the API, as an operator would, rather than the bootstrap key. */
async function createAdminKey(baseUrl: string, bootstrapKey: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bootstrapKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'api-load-bench', role: 'admin' }),
  });
  const body = (await response.json()) as { data?: { key?: string } };
  if (response.status !== 201 || !body.data?.key) throw new Error(`creating an API key failed: ${response.status} ${JSON.stringify(body)}`);
  return body.data.key;
}

/** The API's logged errors, grouped by message: why the 5xx happened. */
function summarizeApiErrors(lines: string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) {
    let message = line;
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      message = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
    } catch {
      // not JSON: keep the line
    }
    counts.set(message.slice(0, 200), (counts.get(message.slice(0, 200)) ?? 0) + 1);
  }
  return [...counts].map(([message, count]) => `API error log (${count}x, of the latest lines kept): ${message}`);
}

function pickRoute(pick: () => number): Route {
  let roll = pick() * ROUTES.reduce((sum, route) => sum + route.weight, 0);
  for (const route of ROUTES) {
    roll -= route.weight;
    if (roll < 0) return route;
  }
  return ROUTES[ROUTES.length - 1]!;
}

function choose<T>(items: readonly T[], pick: () => number): T {
  return items[Math.floor(pick() * items.length)]!;
}

function isSuccess(outcome: string): boolean {
  return outcome === '200' || outcome === '202';
}

function countErrors(outcomes: Record<string, number>): number {
  return Object.entries(outcomes).reduce((sum, [outcome, count]) => sum + (isSuccess(outcome) ? 0 : count), 0);
}

function mergeOutcomes(list: Array<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const outcomes of list) for (const [outcome, count] of Object.entries(outcomes)) merged[outcome] = (merged[outcome] ?? 0) + count;
  return merged;
}

function positiveNumber(name: string, value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
  return parsed;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
