import { readFileSync } from 'node:fs';
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
}

export const TEST_RUN_DIR = join(__dirname, '..', '..', '.data', 'test-run');
export const TEST_RUN_FILE = join(TEST_RUN_DIR, 'run.json');

export function readTestRun(): TestRun {
  return JSON.parse(readFileSync(TEST_RUN_FILE, 'utf8')) as TestRun;
}
