import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { startFakeOpenAI } from '../../test/fakes/fake-openai';
import { findFreePort } from '../../test/support/free-port';
import { startBenchServers } from './bench-servers';
import { stopOnInterrupt } from '../../test/support/interrupts';

const ROOT = join(__dirname, '..', '..');

/** The product in its production shape for a load test: the API and a worker, each its own process. */
export interface ApiLoadStack {
  baseUrl: string;
  databaseUrl: string;
  /** The bootstrap admin key (`ADMIN_API_KEY`). */
  bootstrapKey: string;
  /** Error lines the API process logged (pino level 50 and above), the latest 200 chunks. */
  apiErrors(): string[];
  stop(): Promise<void>;
}

/**
 * Starts Temporal and PostgreSQL as `npm start` does, a fake OpenAI server, then runs the
 * production entry points as child processes (`migrate`, `api`, `worker`), so the load generator
 * never shares an event loop with the server it measures. `env` is added to theirs.
 */
export async function startApiLoadStack(logger: Logger, env: Record<string, string>): Promise<ApiLoadStack> {
  const servers = await startBenchServers(logger);
  const fakeOpenAI = await startFakeOpenAI();
  const port = await findFreePort();
  const bootstrapKey = randomBytes(24).toString('base64url');
  const productEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    PORT: String(port),
    DATABASE_URL: servers.database.url,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    WORKFLOW_BUNDLE_PATH: servers.workflowBundlePath,
    ADMIN_API_KEY: bootstrapKey,
    WEBCHAT_TOKEN_SECRET: randomBytes(32).toString('hex'),
    CHANNEL_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    OPENAI_API_KEY: 'bench-openai-key',
    OPENAI_BASE_URL: fakeOpenAI.baseUrl,
    ...env,
  };
  const children: ChildProcess[] = [];
  let apiOutput: string[] = [];
  const stopChildren = () => Promise.all(children.map(stopChild)).then(() => undefined);
  // The servers register their own stop; an interrupt need only reach the entry points.
  const forget = stopOnInterrupt('the API and worker', stopChildren);
  const stop = async () => {
    forget();
    await stopChildren();
    await fakeOpenAI.close();
    await servers.stop();
  };
  try {
    await runEntryPoint('migrate', productEnv);
    const worker = startEntryPoint('worker', productEnv);
    children.push(worker.child);
    const api = startEntryPoint('api', productEnv);
    children.push(api.child);
    apiOutput = api.output;
    await Promise.all([worker.waitFor('Worker polling'), api.waitFor('HTTP API listening')]);
  } catch (error) {
    await stop();
    throw error;
  }
  const apiErrors = () =>
    apiOutput
      .join('')
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line));
  return { baseUrl: `http://127.0.0.1:${port}`, databaseUrl: servers.database.url, bootstrapKey, apiErrors, stop };
}

function entryPointArgs(name: string): string[] {
  return ['--import', 'tsx', join(ROOT, 'src', 'main', `${name}.ts`)];
}

async function runEntryPoint(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, entryPointArgs(name), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run ${name} failed (exit ${code}):\n${output.join('')}`);
}

/** An entry point left running; `waitFor` resolves once it logs the given message. */
function startEntryPoint(name: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, entryPointArgs(name), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  return {
    child,
    output,
    waitFor: (message: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not log "${message}" within 60 s:\n${output.join('')}`)), 60_000);
        const check = () => {
          if (output.join('').includes(message)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', check);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code}) before it was ready:\n${output.join('')}`));
        });
        check();
      }),
  };
}

/** The child's latest output, kept short: enough to explain a failure. */
function collectOutput(child: ChildProcess): string[] {
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return output;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
