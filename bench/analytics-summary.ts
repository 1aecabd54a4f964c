/**
 * The analytics summary's query time at scale: seeds a fresh embedded PostgreSQL with a million
 * messages (several bots and platforms, ~50k conversations, 90 days), then times
 * `summarizeBotActivity`, the function `GET /v1/analytics/summary` calls, over several windows,
 * and prints each statement's plan: which index it used, and whether it read a table whole.
 *
 *   npm run bench:analytics -- --messages 1000000 --conversations 50000 --bots 5 --days 90 --runs 20
 */
import { parseArgs } from 'node:util';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { Client, Pool } from 'pg';
import pino from 'pino';
import { summarizeBotActivity } from '../src/db/queries/analytics';
import { summarizeDailyActivity } from '../src/db/queries/analytics-series';
import type { Database } from '../src/db/schema';
import { formatMarkdownTable, writeBenchResult, writeStatusLine } from './support/bench-report';
import { startBenchDatabase } from './support/bench-database';
import { type PlanSummary, summarizeExplainJson } from './support/explain-plan-summary';
import { summarizeLatencies } from './support/histogram';
import { seedAnalyticsHistory, seededBotIds } from './support/seed-analytics-history';
import { exitCleanlyOnInterrupt } from '../test/support/interrupts';
import { positiveInteger } from './support/cli-options';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    conversations: { type: 'string', default: '50000' },
    bots: { type: 'string', default: '5' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '20' },
  },
});
const shape = {
  messages: positiveInteger('messages', values.messages),
  conversations: positiveInteger('conversations', values.conversations),
  bots: positiveInteger('bots', values.bots),
  days: positiveInteger('days', values.days),
};
const RUNS = positiveInteger('runs', values.runs);
const DAY_MS = 24 * 3600 * 1000;

/** A window of the summary: the busiest bot over some days, or every bot, one call each. */
interface SummaryCase {
  name: string;
  botIds: string[];
  days: number;
}

async function main(): Promise<void> {
  exitCleanlyOnInterrupt();
  const logger = pino({ level: 'warn' });
  process.stderr.write('Starting PostgreSQL…\n');
  const database = await startBenchDatabase(logger);
  const captured: CompiledQuery[] = [];
  let capturing = false;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  // A client still closing when the database stops reports it; nothing is lost then.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (capturing && event.level === 'query') captured.push(event.query);
    },
  });
  try {
    const seedStarted = Date.now();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await seedAnalyticsHistory(client, shape, (line) => writeStatusLine(`  seed: ${line}`));
      writeStatusLine('  seed: vacuum analyze (what autovacuum does to a table that grew over months)');
      await client.query('vacuum (analyze) messages, conversations, bots');
    } finally {
      await client.end();
    }
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    process.stderr.write(`\n  seeded in ${seedSeconds.toFixed(0)} s\n`);

    const bots = seededBotIds(shape.bots);
    const cases: SummaryCase[] = [
      ...[1, 7, 30, shape.days].map((days) => ({ name: `busiest bot, ${days} day${days === 1 ? '' : 's'}`, botIds: [bots[0]!], days })),
      { name: `all ${bots.length} bots one after another, ${shape.days} days`, botIds: bots, days: shape.days },
    ];
    const to = new Date();
    const results = [];
    for (const summaryCase of cases) {
      const from = new Date(to.getTime() - summaryCase.days * DAY_MS);
      const summarize = async () => {
        for (const botId of summaryCase.botIds) await summarizeBotActivity(db, { botId, from, to });
      };
      await summarize(); // warm-up: the first call also pays for planning and cold pages
      const timings: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        await summarize();
        timings.push(performance.now() - started);
        if (process.stderr.isTTY || run + 1 === RUNS) writeStatusLine(`  ${summaryCase.name}: run ${run + 1}/${RUNS}`);
      }
      const summary = await summarizeBotActivity(db, { botId: summaryCase.botIds[0]!, from, to });
      const messagesInWindow = summary.messages.reduce((sum, row) => sum + row.in + row.out, 0);
      const plans = summaryCase.botIds.length === 1 ? await explainSummary(db, captured, (on) => (capturing = on), summaryCase.botIds[0]!, from, to) : [];
      results.push({ ...summaryCase, from: from.toISOString(), to: to.toISOString(), timingsMs: summarizeLatencies(timings), messagesInWindow, summary, plans });
    }
    process.stderr.write('\n');

    const report = [
      '',
      `Analytics summary (\`summarizeBotActivity\`, as \`GET /v1/analytics/summary\` runs it) on ${shape.messages.toLocaleString('en')} messages, ` +
        `${shape.conversations.toLocaleString('en')} conversations, ${shape.bots} bots, ${shape.days} days; ${RUNS} runs per row after one warm-up`,
      '',
      formatMarkdownTable(
        ['window', 'messages in window (first bot)', 'p50 ms', 'p99 ms', 'max ms'],
        results.map((r) => [r.name, r.messagesInWindow.toLocaleString('en'), r.timingsMs.p50, r.timingsMs.p99, r.timingsMs.max]),
      ),
      '',
      'Plans (EXPLAIN ANALYZE, BUFFERS), one line per statement of the summary (1–4) and of the console\'s per-day series (5–9):',
      '',
      formatMarkdownTable(
        ['window', 'statement', 'scans', 'seq scans', 'exec ms', 'buffers hit/read'],
        results.flatMap((r) =>
          r.plans.map((plan, index) => [
            r.name,
            index + 1,
            plan.scans.join('; '),
            plan.seqScans.length === 0 ? 'none' : plan.seqScans.join('; '),
            plan.executionMs,
            `${plan.sharedHitBlocks}/${plan.sharedReadBlocks}${plan.spills.length ? ` (spilled: ${plan.spills.join(', ')})` : ''}`,
          ]),
        ),
      ),
      '',
    ].join('\n');
    process.stdout.write(report);
    const file = writeBenchResult('analytics-summary', { shape, runs: RUNS, seedSeconds, cases: results });
    process.stdout.write(`\nJSON: ${file}\n`);
  } finally {
    await db.destroy();
    await database.stop();
  }
}

/** Runs the summary once, capturing its statements, then EXPLAINs each with the same parameters. */
async function explainSummary(
  db: Kysely<Database>,
  captured: CompiledQuery[],
  setCapturing: (on: boolean) => void,
  botId: string,
  from: Date,
  to: Date,
): Promise<PlanSummary[]> {
  captured.length = 0;
  setCapturing(true);
  await summarizeBotActivity(db, { botId, from, to });
  // The console dashboard's per-day series over the same window: its statements follow the summary's.
  await summarizeDailyActivity(db, { botId, from, to });
  setCapturing(false);
  const plans: PlanSummary[] = [];
  for (const query of captured) {
    const explained = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (analyze, buffers, format json) ${query.sql}`, [...query.parameters]),
    );
    plans.push(summarizeExplainJson(explained.rows[0]!['QUERY PLAN']));
  }
  return plans;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
