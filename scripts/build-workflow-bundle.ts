/**
 * Pre-builds the workflow bundle, and its traced variant beside it, so a worker started with
 * WORKFLOW_BUNDLE_PATH pointing at the output skips webpack at start. The Dockerfile runs it at
 * image build time. Usage: `npm run build:workflows -- [out-file]`, default `dist/workflow-bundle.js`.
 */
import path from 'node:path';
import { tracedBundlePath } from '../src/temporal/traced-bundle-path';
import { writeWorkflowBundles } from '../src/temporal/workflow-bundle';

const outFile = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
writeWorkflowBundles(outFile).then(
  ({ plainBytes, tracedBytes }) =>
    process.stdout.write(
      `Workflow bundle written to ${outFile} (${plainBytes} bytes), with tracing to ${tracedBundlePath(outFile)} (${tracedBytes} bytes)\n`,
    ),
  (error: unknown) => {
    process.stderr.write(`[bundler] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
