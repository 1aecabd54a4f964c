/**
 * `npm run chaos`: the product under faults, end to end, on its own Temporal dev server and
 * PostgreSQL. Prints progress while it runs and a summary at the end; exits 1 when a message was
 * lost, answered out of order, or answered twice without a fault to explain it.
 *
 *   npm run chaos                                   # 100 conversations × 10 messages
 *   npm run chaos -- --conversations 20 --messages 5 --load-seconds 60
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatChaosReport } from './chaos-report';

/** Where `npm run chaos` publishes its dated reports. */
const REPORTS_DIR = resolve(__dirname, '..', '..', 'docs', 'chaos');
import { type ChaosOptions, runChaosScenario } from './chaos-scenario';
import { chaosPassed, formatChaosSummary } from './chaos-summary';
import { exitCleanlyOnInterrupt } from '../support/interrupts';

const USAGE = `Usage: npm run chaos -- [options]
  --conversations N            conversations (default 100)
  --messages N                 messages per conversation (default 10)
  --load-seconds N             spread the messages over about N s (default 120)
  --kill-every MIN-MAX         SIGKILL the worker MIN-MAX s after it polls; 0 for never (default 3-8)
  --temporal-restarts N        Temporal dev server restarts (default 1)
  --postgres-outage-seconds N  Postgres stopped for N s; 0 for none (default 20)
  --model-failure-rate R       fraction of model calls answered 429/500 (default 0.2)
  --platform-429-rate R        fraction of Telegram sends answered 429 (default 0.1)
  --drain-timeout-seconds N    how long after the faults every message must be answered (default 600)
  --apis N                     API processes the webhooks are spread over (default 2)
  --workers N                  worker processes (default 2)
  --api-kills N                API processes SIGKILLed under load, in turn (default: one per API)
  --no-report                  do not write the dated report to docs/chaos/`;

function readOptions(argv: string[]): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      conversations: { type: 'string', default: '100' },
      messages: { type: 'string', default: '10' },
      'load-seconds': { type: 'string', default: '120' },
      'kill-every': { type: 'string', default: '3-8' },
      'temporal-restarts': { type: 'string', default: '1' },
      'postgres-outage-seconds': { type: 'string', default: '20' },
      'model-failure-rate': { type: 'string', default: '0.2' },
      'platform-429-rate': { type: 'string', default: '0.1' },
      'drain-timeout-seconds': { type: 'string', default: '600' },
      apis: { type: 'string', default: '2' },
      workers: { type: 'string', default: '2' },
      'api-kills': { type: 'string' },
      'no-report': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const problems: string[] = [];
  const count = (name: keyof typeof values, min: number) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) problems.push(`--${name} must be a whole number of at least ${min}, not "${values[name]}"`);
    return value;
  };
  const rate = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!(value >= 0 && value < 1)) problems.push(`--${name} must be a fraction from 0 to below 1, not "${values[name]}"`);
    return value;
  };
  const killEvery = String(values['kill-every']);
  const killRange = killEvery === '0' ? null : killEvery.split('-').map(Number);
  if (killRange && !(killRange.length === 2 && killRange[0]! > 0 && killRange[1]! >= killRange[0]!)) {
    problems.push(`--kill-every must be MIN-MAX seconds (e.g. 3-8) or 0, not "${killEvery}"`);
  }
  const options: ChaosOptions = {
    conversations: count('conversations', 1),
    messagesPerConversation: count('messages', 1),
    loadMs: count('load-seconds', 1) * 1000,
    workerKillEveryMs: killRange ? [killRange[0]! * 1000, killRange[1]! * 1000] : null,
    temporalRestarts: count('temporal-restarts', 0),
    postgresOutageMs: count('postgres-outage-seconds', 0) * 1000,
    modelFailureRate: rate('model-failure-rate'),
    platformRateLimitRate: rate('platform-429-rate'),
    drainTimeoutMs: count('drain-timeout-seconds', 1) * 1000,
    apis: count('apis', 1),
    workers: count('workers', 1),
    ...(values['api-kills'] !== undefined && { apiKills: count('api-kills', 0) }),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  };
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n\n${USAGE}\n`);
    process.exit(2);
  }
  return options;
}

async function main(): Promise<void> {
  exitCleanlyOnInterrupt();
  const argv = process.argv.slice(2);
  const result = await runChaosScenario(readOptions(argv));
  process.stdout.write(formatChaosSummary(result));
  if (!argv.includes('--no-report')) {
    const at = new Date();
    const path = join(REPORTS_DIR, `${at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}.md`);
    mkdirSync(REPORTS_DIR, { recursive: true });
    writeFileSync(path, formatChaosReport(result, at));
    process.stdout.write(`The report: ${path}\n`);
  }
  process.exit(chaosPassed(result.report) ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`The chaos run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
