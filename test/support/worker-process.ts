import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestStack } from './test-stack';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..');

/** The production worker entry point (`src/main/worker.ts`) as a real child process, so a test can SIGKILL it. */
export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startWorkerProcess(stack: TestStack, env: Record<string, string> = {}): Promise<WorkerProcess> {
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
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor('the worker to poll', () => child.exitCode === null && output.join('').includes('Worker polling'), {
    timeoutMs: 30_000,
  }).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${output.join('')}`);
  });
  return {
    child,
    output,
    async kill(signal) {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}
