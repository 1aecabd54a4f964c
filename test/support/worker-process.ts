import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestStack } from './test-stack';

const ROOT = join(__dirname, '..', '..');

/** The production worker entry point (`src/main/worker.ts`) as a real child process, so a test can SIGKILL it. */
export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves when the process has exited, with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** What a worker process needs to know about the stack it works for; a `TestStack` has it all. */
export type WorkerTarget = Pick<TestStack, 'config' | 'botId'> & { fakeOpenAI: { baseUrl: string } };

export interface WorkerProcessOptions {
  /** More environment for the worker, e.g. a platform's credentials and its fake's base URL. */
  env?: Record<string, string>;
  /** How long the worker may take to poll. Default 30 s. */
  readyTimeoutMs?: number;
}

/** The environment a product process gets from the stack it joins: its database, Temporal, secrets and fakes. */
export function productEnv(stack: WorkerTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: stack.config.databaseUrl,
    TEMPORAL_ADDRESS: stack.config.temporal.address,
    TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
    WORKFLOW_BUNDLE_PATH: stack.config.temporal.workflowBundlePath,
    DEFAULT_BOT_ID: stack.botId,
    OPENAI_API_KEY: 'test-openai-key',
    OPENAI_BASE_URL: stack.fakeOpenAI.baseUrl,
    WEBCHAT_TOKEN_SECRET: stack.config.webchat.tokenSecret,
    CHANNEL_ENCRYPTION_KEY: stack.config.channelEncryptionKey.toString('base64'),
    TEMPORAL_PAYLOAD_KEY: stack.config.temporal.payloadKey?.toString('base64') ?? 'off',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export function startWorkerProcess(stack: WorkerTarget, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  return startProductProcess(stack, { entry: 'worker.ts', readyLine: 'Worker polling', what: 'worker', ...options });
}

/** The production API entry point (`src/main/api.ts`) on `port`, as a real child process a run can SIGKILL. */
export function startApiProcess(stack: WorkerTarget, options: WorkerProcessOptions & { port: number }): Promise<WorkerProcess> {
  const env = { PORT: String(options.port), HOST: '127.0.0.1', ADMIN_API_KEY: 'chaos-admin-key-0123456789abcdef', ...options.env };
  return startProductProcess(stack, { entry: 'api.ts', readyLine: 'HTTP API listening', what: 'API', ...options, env });
}

async function startProductProcess(
  stack: WorkerTarget,
  options: WorkerProcessOptions & { entry: string; readyLine: string; what: string },
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main', options.entry)], {
    cwd: ROOT,
    env: productEnv(stack, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const polling = new Promise<void>((resolve) => {
    const check = () => {
      if (output.join('').includes(options.readyLine)) {
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
  });
  let timer: NodeJS.Timeout | undefined;
  const failure = await Promise.race([
    polling.then(() => undefined),
    exited.then(({ code, signal }) => `the ${options.what} exited (${signal ?? `code ${code}`}) before it was ready`),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`the ${options.what} was not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (failure) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${failure}:\n${output.join('')}`);
  }
  return {
    child,
    output,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
