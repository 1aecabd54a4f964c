import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../support/free-port';
import { readTestRun } from '../support/test-run';
import { waitFor } from '../support/wait-for';

const ROOT = join(__dirname, '..', '..');

/** True while something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * `npm start` as a user runs it, stopped the ways a user stops it: everything it started (the app,
 * PostgreSQL, the Temporal dev server) stops with it, and nothing keeps serving.
 */
describe('npm start stops the whole stack', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'start-stop-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start() {
    const ports = { http: await findFreePort(), postgres: await findFreePort(), temporal: await findFreePort(), ui: await findFreePort() };
    let output = '';
    const child: ChildProcess = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATA_DIR: dataDir,
        PORT: String(ports.http),
        EMBEDDED_POSTGRES_PORT: String(ports.postgres),
        TEMPORAL_DEV_PORT: String(ports.temporal),
        TEMPORAL_UI_PORT: String(ports.ui),
        TEMPORAL_CLI_PATH: readTestRun().temporalCliPath,
        METRICS_PORT: 'off',
        TEMPORAL_METRICS_PORT: 'off',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor('npm start to be ready', () => output.includes('is ready'), { timeoutMs: 90_000 }).catch((error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\n${output}`);
    });
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(true);
    return { child, ports, exited, output: () => output };
  }

  async function expectAllStopped(ports: Record<string, number>) {
    await waitFor('every port to close', async () => {
      const open = await Promise.all(Object.values(ports).map(listening));
      return open.every((isOpen) => !isOpen);
    }, { timeoutMs: 30_000 });
  }

  it('on SIGTERM to npm', async () => {
    const { child, ports, exited, output } = await start();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000))]);
    if (code !== 0) throw new Error(`npm start answered SIGTERM with ${String(code)}:\n${output().slice(-3000)}`);
    await expectAllStopped(ports);
  }, 150_000);

  it('when npm itself dies (kill -9): the app notices it is orphaned and stops everything', async () => {
    const { child, ports } = await start();
    child.kill('SIGKILL');
    await expectAllStopped(ports);
  }, 150_000);
});
