import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EmbeddedDatabase } from '../../src/runtime/embedded-database';

export default async function globalTeardown(): Promise<void> {
  const run = (globalThis as { __testRun?: { database: EmbeddedDatabase; temporal: TestWorkflowEnvironment } }).__testRun;
  if (!run) return;
  await Promise.allSettled([run.temporal.teardown(), run.database.stop()]);
}
