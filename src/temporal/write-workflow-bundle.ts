import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../telemetry/tracing';
import { WORKFLOWS_PATH } from '../wiring';
import { tracedBundlePath } from './traced-bundle-path';

/**
 * Bundles the workflows once and writes the bundle to `outFile`, and the same workflows with
 * Temporal's OpenTelemetry workflow interceptors to `tracedBundlePath(outFile)`, so workers started
 * with WORKFLOW_BUNDLE_PATH skip webpack. Used by the Docker build, the test run and the benchmark.
 * Returns the two bundles' sizes in bytes.
 */
export async function writeWorkflowBundles(outFile: string): Promise<{ plainBytes: number; tracedBytes: number }> {
  mkdirSync(dirname(outFile), { recursive: true });
  const plainBytes = await writeBundle(outFile, []);
  const tracedBytes = await writeBundle(tracedBundlePath(outFile), WORKFLOW_INTERCEPTOR_MODULES);
  return { plainBytes, tracedBytes };
}

async function writeBundle(outFile: string, workflowInterceptorModules: string[]): Promise<number> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules, logger: bundlerLogger });
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
