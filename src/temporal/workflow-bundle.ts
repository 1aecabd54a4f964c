import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../telemetry/tracing';
import { tracedBundlePath } from './traced-bundle-path';

/** The workflows' entry point: everything webpack bundles starts here. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

const PROJECT_ROOT = join(__dirname, '..', '..');
export const DEFAULT_BUNDLE_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'chat-orchestrator', 'workflow-bundles');
// Part of every key: a new SDK (its webpack set-up) or Node makes new bundles.
const TOOLCHAIN = `${process.version} @temporalio/worker ${require('@temporalio/worker/package.json').version} v1`;

export interface WorkflowBundles {
  /** The plain bundle, and beside it (`tracedBundlePath`) the one with the OpenTelemetry interceptors. */
  plainBytes: number;
  tracedBytes: number;
}

/**
 * Bundles the workflows and writes the bundle to `outFile`, and the same workflows with Temporal's
 * OpenTelemetry workflow interceptors to `tracedBundlePath(outFile)`, so workers started with
 * WORKFLOW_BUNDLE_PATH skip webpack. Used by the Docker build (`npm run build:workflows`).
 */
export async function writeWorkflowBundles(outFile: string): Promise<WorkflowBundles> {
  const built = await buildBundles();
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, built.plain);
  writeFileSync(tracedBundlePath(outFile), built.traced);
  return { plainBytes: Buffer.byteLength(built.plain), tracedBytes: Buffer.byteLength(built.traced) };
}

/**
 * The bundles for the workflows as they are on disk now, built only when a file webpack read for the
 * last build has changed. The key is a hash of every source file in the bundle (ours and the SDK's,
 * from the bundle's own source map), so a change anywhere the bundle reaches builds anew, and
 * nothing else does. Returns the plain bundle's path; the traced one is beside it.
 */
export async function cachedWorkflowBundles(
  options: { cacheDir?: string; onBuild?: (reason: string) => void } = {},
): Promise<{ path: string; built: boolean }> {
  const cacheDir = options.cacheDir ?? DEFAULT_BUNDLE_CACHE_DIR;
  const manifestPath = join(cacheDir, 'manifest.json');
  const manifest = readManifest(manifestPath);
  if (manifest && sourcesKey(manifest.files) === manifest.key) {
    const path = join(cacheDir, `${manifest.key}.js`);
    if (existsSync(path) && existsSync(tracedBundlePath(path))) return { path, built: false };
  }
  options.onBuild?.(manifest ? 'a workflow source changed' : 'no bundle built yet');

  const built = await buildBundles();
  const files = [...new Set([...sourcesOf(built.plain), ...sourcesOf(built.traced)])].sort();
  const key = sourcesKey(files);
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `${key}.js`);
  writeAtomically(path, built.plain);
  writeAtomically(tracedBundlePath(path), built.traced);
  writeAtomically(manifestPath, JSON.stringify({ key, files }));
  removeOtherBundles(cacheDir, key);
  return { path, built: true };
}

/** The cache key for a set of source files: their paths and contents, and the toolchain. */
export function sourcesKey(files: readonly string[]): string {
  const hash = createHash('sha256').update(TOOLCHAIN);
  for (const file of files) {
    hash.update(`\0${file}\0`);
    const absolute = join(PROJECT_ROOT, file);
    hash.update(existsSync(absolute) ? readFileSync(absolute) : 'missing');
  }
  return hash.digest('hex').slice(0, 24);
}

/** The project-relative paths of the files a bundle was built from, read from its inline source map. */
export function sourcesOf(code: string): string[] {
  const match = /sourceMappingURL=data:application\/json;[^,]*base64,([A-Za-z0-9+/=]+)/.exec(code);
  if (!match) throw new Error('The workflow bundle has no inline source map to key its cache by');
  const sources: string[] = JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')).sources;
  return sources.filter((source) => isAbsolute(source)).map((source) => relative(PROJECT_ROOT, source));
}

async function buildBundles(): Promise<{ plain: string; traced: string }> {
  const plain = await bundle([]);
  const traced = await bundle(WORKFLOW_INTERCEPTOR_MODULES);
  return { plain, traced };
}

async function bundle(workflowInterceptorModules: string[]): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules, logger: bundlerLogger });
  return code;
}

function readManifest(path: string): { key: string; files: string[] } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Another process may read the cache at the same time: it sees the old file or the new one, whole. */
function writeAtomically(path: string, content: string) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

function removeOtherBundles(cacheDir: string, key: string) {
  for (const name of readdirSync(cacheDir)) {
    if (name.endsWith('.js') && !name.startsWith(key)) rmSync(join(cacheDir, name), { force: true });
  }
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
