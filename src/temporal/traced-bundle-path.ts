import { existsSync } from 'node:fs';

/**
 * Where the traced variant of a pre-built workflow bundle lives: beside it, `<name>.traced.js`.
 * `npm run build:workflows` writes both; a worker with tracing on loads this one.
 */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/(\.js)?$/, '.traced.js');
}

/** The bundle a worker loads from WORKFLOW_BUNDLE_PATH: the traced variant when it traces. */
export function workerBundlePath(bundlePath: string, traced: boolean): string {
  const path = traced ? tracedBundlePath(bundlePath) : bundlePath;
  if (!existsSync(path)) {
    throw new Error(
      `No workflow bundle at ${path}` +
        (traced ? ' (the traced variant of WORKFLOW_BUNDLE_PATH, loaded because OTEL_EXPORTER_OTLP_ENDPOINT is set)' : ' (WORKFLOW_BUNDLE_PATH)') +
        `. Build both with \`npm run build:workflows -- ${bundlePath}\`, or unset WORKFLOW_BUNDLE_PATH to bundle at start.`,
    );
  }
  return path;
}
