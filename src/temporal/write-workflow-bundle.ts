import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../telemetry/tracing';
import { WORKFLOWS_PATH } from '../wiring';

/**
 * Bundles the workflows once and writes the bundle to `outFile`, so workers started with
 * WORKFLOW_BUNDLE_PATH skip webpack. Used by the Docker build and by the test run.
 * Returns the bundle's size in bytes.
 */
export async function writeWorkflowBundle(outFile: string): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: bundlerLogger,
  });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  return Buffer.byteLength(code);
}

// Webpack's stats are noise here; its warnings and errors are not.
const silent = () => undefined;
const bundlerLogger = {
  log: silent,
  trace: silent,
  debug: silent,
  info: silent,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
};
