import { rmSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EmbeddedDatabase } from '../../src/runtime/embedded-database';

interface RunningTestRun {
  database: EmbeddedDatabase;
  temporal: TestWorkflowEnvironment;
  runDir: string;
}

export default async function globalTeardown(): Promise<void> {
  const run = (globalThis as { __testRun?: RunningTestRun }).__testRun;
  if (!run) return;
  await Promise.allSettled([run.temporal.teardown(), run.database.stop()]);
  // Keep the folder when asked, to read the screenshots and logs of a failed run.
  if (!process.env.KEEP_TEST_RUN) rmSync(run.runDir, { recursive: true, force: true });
}
