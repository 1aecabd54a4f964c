/**
 * The benchmark suite. Starts everything it needs (Temporal dev server, PostgreSQL, the product,
 * fakes for OpenAI and Telegram), runs the scenarios and writes bench/results/<date>.{json,md}.
 *
 *   npm run bench                      all scenarios, about 75 minutes on 2 cores ((d) opens 10,000
 *                                      conversations at about 4 a second)
 *   npm run bench -- --quick           smaller and shorter, about 3 minutes
 *   npm run bench -- --scenario a,b    only some: a webhook ack, b end to end,
 *                                      c long conversation, d many conversations, t worker tuning
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { writeWorkflowBundles } from '../src/temporal/write-workflow-bundle';
import { writeFloorBundle } from './floor/floor-target';
import { endToEnd } from './scenarios/end-to-end';
import { longConversation } from './scenarios/long-conversation';
import { manyConversations } from './scenarios/many-conversations';
import type { BenchSettings, Scenario, ScenarioResult } from './scenarios/scenario';
import { webhookAck } from './scenarios/webhook-ack';
import { workerTuning } from './scenarios/worker-tuning';
import { startBenchServers } from './support/bench-servers';
import { writeReport } from './support/report';
import { exitCleanlyOnInterrupt, stopOnInterrupt } from '../test/support/interrupts';

const SCENARIOS: Record<string, { name: string; run: Scenario }> = {
  a: { name: 'webhook acknowledgement', run: webhookAck },
  b: { name: 'end to end', run: endToEnd },
  c: { name: 'long conversation', run: longConversation },
  d: { name: 'many conversations', run: manyConversations },
  t: { name: 'worker tuning', run: workerTuning },
};

const USAGE = `Usage: npm run bench -- [--quick] [--scenario a,b,c,d,t] [--duration <s>] [--rates 100,300,1000]
                       [--concurrency <n>] [--chats <n>] [--messages <n>] [--conversations <n>] [--out <dir>]

  --scenario       a webhook ack, b end to end, c long conversation, d many conversations, t worker tuning (default: all)
  --quick          shorter phases and smaller counts, to check that everything runs
  --duration       seconds per measured phase (default 5, quick 2; end to end and tuning measure twice that)
  --rates          open-loop webhook rates for (a), requests a second (default 100,300,1000)
  --concurrency    senders in (b) and (t) (default 32, quick 8)
  --chats          chats those senders take turns on (default 400, quick 50)
  --messages       the message of the long conversation (c) compared with message 10 (default 2000, quick 150)
  --conversations  open idle conversations in (d) (default 10000, quick 300)
  --out            where results go (default bench/results)`;

function parseSettings(): { settings: BenchSettings; scenarios: string[]; outDir: string } {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      duration: { type: 'string' },
      rates: { type: 'string' },
      concurrency: { type: 'string' },
      chats: { type: 'string' },
      messages: { type: 'string' },
      conversations: { type: 'string' },
      out: { type: 'string', default: join(__dirname, 'results') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick!;
  const scenarios = (values.scenario ?? Object.keys(SCENARIOS).join(',')).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = scenarios.filter((s) => !SCENARIOS[s]);
  if (unknown.length > 0) usageError(`unknown scenario ${unknown.join(', ')}; choose from ${Object.entries(SCENARIOS).map(([id, s]) => `${id} (${s.name})`).join(', ')}`);
  const rates = (values.rates ?? '100,300,1000').split(',').map((r) => positive('--rates', r));
  return {
    scenarios,
    outDir: values.out!,
    settings: {
      quick,
      phaseMs: positive('--duration', values.duration ?? (quick ? '2' : '5')) * 1000,
      rates,
      concurrency: positive('--concurrency', values.concurrency ?? (quick ? '8' : '32')),
      chats: positive('--chats', values.chats ?? (quick ? '50' : '400')),
      longMessages: Math.max(20, positive('--messages', values.messages ?? (quick ? '150' : '2000'))),
      conversations: positive('--conversations', values.conversations ?? (quick ? '300' : '10000')),
    },
  };
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) usageError(`${flag} wants a positive number, got "${text}"`);
  return value;
}

function usageError(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  exitCleanlyOnInterrupt();
  const { settings, scenarios, outDir } = parseSettings();
  const startedAt = new Date();
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'error' }, pino.destination(2));
  const dir = mkdtempSync(join(tmpdir(), 'chat-orchestrator-bench-bundles-'));
  const forget = stopOnInterrupt('the workflow bundles', async () => rmSync(dir, { recursive: true, force: true }));
  try {
    process.stderr.write('Bundling the conversation and floor workflows…\n');
    const workflowBundlePath = join(dir, 'workflow-bundle.js');
    await writeWorkflowBundles(workflowBundlePath);
    const floorBundlePath = await writeFloorBundle(dir);

    const results: ScenarioResult[] = [];
    const failures: Array<{ id: string; error: string }> = [];
    const report = () =>
      writeReport(outDir, { startedAt, durationSeconds: (Date.now() - startedAt.getTime()) / 1000, settings, results, failures });
    for (const id of scenarios) {
      const scenario = SCENARIOS[id]!;
      process.stderr.write(`\n(${id}) ${scenario.name}: starting Temporal and PostgreSQL…\n`);
      const scenarioStarted = Date.now();
      try {
        results.push(
          await scenario.run({
            logger,
            settings,
            floorBundlePath,
            startServers: (options) => startBenchServers(logger, { ...options, workflowBundlePath }),
          }),
        );
        process.stderr.write(`(${id}) done in ${Math.round((Date.now() - scenarioStarted) / 1000)} s\n`);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ id, error: message });
        process.stderr.write(`\n(${id}) failed: ${message}\n`);
      }
      // After every scenario, so a long run that is stopped keeps what it measured.
      report();
    }

    const { markdownPath, markdown } = report();
    process.stdout.write(`\n${markdown.replace(/^!\[.*$\n\n/gm, '')}\n`);
    process.stderr.write(`Report: ${markdownPath} (and .json, charts beside it)\n`);
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    forget();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
