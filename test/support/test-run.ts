import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What global setup started, for every test file of the run. */
export interface TestRun {
  /** A database holding the migrated schema, used as the template for each test file's own database. */
  templateDatabaseUrl: string;
  /** The server's maintenance database, for CREATE/DROP DATABASE. */
  adminDatabaseUrl: string;
  temporalAddress: string;
  temporalCliPath: string;
  workflowBundlePath: string;
  /** This run's folder under `.data/test-runs`, removed at teardown. */
  runDir: string;
}

/**
 * Every run gets its own folder, so two `npm test` runs on one machine never share a database. It
 * lives in the system's temporary directory, which the postgres OS user can always enter.
 */
export const TEST_RUNS_DIR = join(tmpdir(), 'chat-orchestrator-test-runs');

/** Set by global setup; test workers inherit it. */
const RUN_FILE_VARIABLE = 'CHAT_ORCHESTRATOR_TEST_RUN_FILE';

export function announceTestRun(runDir: string, run: TestRun): void {
  const file = join(runDir, 'run.json');
  writeFileSync(file, JSON.stringify(run, null, 2));
  process.env[RUN_FILE_VARIABLE] = file;
}

export function readTestRun(): TestRun {
  const file = process.env[RUN_FILE_VARIABLE];
  if (!file) throw new Error('No test run: run the tests with jest, whose global setup starts the servers.');
  return JSON.parse(readFileSync(file, 'utf8')) as TestRun;
}
