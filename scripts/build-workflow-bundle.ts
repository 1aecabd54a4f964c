/**
 * Pre-builds the workflow bundle, so a worker started with WORKFLOW_BUNDLE_PATH pointing at the
 * output skips webpack at start (faster, and no bundler work in production).
 * Usage: `npx tsx scripts/build-workflow-bundle.ts [out-file]`, default `dist/workflow-bundle.js`.
 * The Dockerfile runs it at image build time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../src/wiring';

async function main(): Promise<void> {
  const outFile = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
      error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
    },
  });
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  process.stdout.write(`Workflow bundle written to ${outFile} (${Buffer.byteLength(code)} bytes)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bundler] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
