import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { findFreePort } from '../support/free-port';
import { readTestRun } from '../support/test-run';

const ROOT = join(__dirname, '..', '..');
const NAMES = CONVERSATION_SEARCH_ATTRIBUTES.map((key) => key.name);
const KEYWORD = encodeSearchAttributeIndexedValueType(SearchAttributeType.KEYWORD);

/** `npm run temporal:setup`, as a real child process. */
function runSetup(env: Record<string, string | undefined>, args: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'temporal-setup.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, TEMPORAL_ADDRESS: undefined, TEMPORAL_NAMESPACE: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run temporal:setup', () => {
  // A server of its own, started without the app's search attributes, like a fresh cluster.
  let server: TestWorkflowEnvironment;

  beforeAll(async () => {
    server = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: readTestRun().temporalCliPath },
        ip: '127.0.0.1',
        ui: false,
        extraArgs: ['--namespace', 'clash', '--log-level', 'error'],
      },
    });
  });

  afterAll(async () => {
    await server?.teardown();
  });

  async function customAttributes(namespace: string): Promise<Record<string, number>> {
    const { customAttributes } = await server.connection.operatorService.listSearchAttributes({ namespace });
    return (customAttributes ?? {}) as Record<string, number>;
  }

  it('registers the missing attributes, then does nothing on a second run', async () => {
    const before = await customAttributes('default');
    expect(NAMES.filter((name) => name in before)).toEqual([]);

    const first = await runSetup({ TEMPORAL_ADDRESS: server.address });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Done: registered ${NAMES.join(', ')}.`);

    const after = await customAttributes('default');
    for (const name of NAMES) expect(after[name]).toBe(KEYWORD);

    const second = await runSetup({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
    expect(second.code).toBe(0);
    for (const name of NAMES) expect(second.stdout).toContain(`${name} (KEYWORD): already registered`);
    expect(second.stdout).toContain('Nothing to do: all 4 search attributes exist in "default".');
    expect(await customAttributes('default')).toEqual(after);
  });

  it('refuses an attribute that exists with another type, and adds nothing', async () => {
    await server.connection.operatorService.addSearchAttributes({
      namespace: 'clash',
      searchAttributes: { ChatId: encodeSearchAttributeIndexedValueType(SearchAttributeType.TEXT)! },
    });

    const result = await runSetup({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'clash' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Search attribute ChatId exists in namespace "clash" as TEXT, but this app needs KEYWORD');
    expect(result.stderr).toContain('temporal operator search-attribute remove --namespace clash --name ChatId');
    const listed = await customAttributes('clash');
    expect(NAMES.filter((name) => name in listed)).toEqual(['ChatId']);
  });

  it('says what to do when the namespace does not exist', async () => {
    const result = await runSetup({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'nowhere' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Namespace "nowhere" does not exist');
    expect(result.stderr).toContain('temporal operator namespace create --namespace nowhere');
  });

  it('says what to do when the server cannot be reached', async () => {
    const address = `127.0.0.1:${await findFreePort()}`;

    const result = await runSetup({ TEMPORAL_ADDRESS: address });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not reach Temporal at ${address}`);
    expect(result.stderr).toContain('--wait');
  });

  it('says what to do when TEMPORAL_ADDRESS is not set', async () => {
    const result = await runSetup({});

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TEMPORAL_ADDRESS is not set');
  });
});
