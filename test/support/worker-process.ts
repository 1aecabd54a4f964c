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

export async function startWorkerProcess(stack: WorkerTarget, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main', 'worker.ts')], {
    cwd: ROOT,
    env: {
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
      ...options.env,
    },
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
      if (output.join('').includes('Worker polling')) {
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
  });
  let timer: NodeJS.Timeout | undefined;
  const failure = await Promise.race([
    polling.then(() => undefined),
    exited.then(({ code, signal }) => `the worker exited (${signal ?? `code ${code}`}) before it polled`),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`the worker did not poll within ${readyTimeoutMs} ms`), readyTimeoutMs);
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
