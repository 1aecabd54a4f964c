import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack';
import { type FakeTelegram, startFakeTelegram } from '../fakes/fake-telegram';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { productEnv } from '../support/worker-process';

const ROOT = join(__dirname, '..', '..');
const TELEGRAM_TOKEN = '123456789:AAValidateConfigToken_for-tests';
const SLACK_TOKEN = 'xoxb-real-slack-token-9876';
const WRONG_SLACK_TOKEN = 'xoxb-revoked-slack-token-4321';

/** `npm run validate-config` as a user runs it: a child process, its lines and its exit status. */
function validateConfig(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main', 'validate-config.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run validate-config', () => {
  let stack: TestStack;
  let telegram: FakeTelegram;
  let slack: FakeSlack;

  beforeAll(async () => {
    [telegram, slack] = await Promise.all([startFakeTelegram({ botToken: TELEGRAM_TOKEN }), startFakeSlack({ botToken: SLACK_TOKEN })]);
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([telegram?.close(), slack?.close()]);
  });

  const env = () =>
    productEnv(stack, {
      TEMPORAL_NAMESPACE: 'default',
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_SECRET_TOKEN: 'validate-secret',
      TELEGRAM_API_BASE_URL: telegram.baseUrl,
      SLACK_API_BASE_URL: slack.baseUrl,
    }) as Record<string, string>;

  it('passes every check, naming what each credential belongs to', async () => {
    const { code, output } = await validateConfig(env());
    expect(output).toMatch(/^✓ environment: every variable is valid$/m);
    expect(output).toMatch(/^✓ database: postgres(ql)?:\/\/.*connected, \d+ migrations applied$/m);
    expect(output).toMatch(/^✓ Temporal: .*namespace "default"$/m);
    expect(output).toMatch(/^✓ telegram for bot \S+: @fake_test_bot \(bot id 123456789\)$/m);
    expect(output).toMatch(/^✓ model: .* accepts the key \(…-key\); gpt-4o-mini is among its 3 models$/m);
    expect(output).toMatch(/All \d+ checks passed\./);
    expect(code).toBe(0);
  }, 60_000);

  it('fails on a revoked Slack token with what to do, shows no secret, and exits 1', async () => {
    const stored = await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/channels/slack`, { method: 'PUT', body: { botToken: WRONG_SLACK_TOKEN, signingSecret: 'slack-signing-secret-abcdef' } });
    expect(stored.status).toBeLessThan(300);
    const { code, output } = await validateConfig(env());
    expect(output).toMatch(/^✗ slack for bot \S+: auth\.test answered invalid_auth\n {4}→ store the right credentials with PUT \/v1\/bots\/\S+\/channels\/slack \(now: botToken …4321, signingSecret …cdef\)$/m);
    expect(output).toMatch(/1 check\(s\) failed/);
    for (const secret of [WRONG_SLACK_TOKEN, 'slack-signing-secret-abcdef', TELEGRAM_TOKEN, 'test-openai-key']) expect(output).not.toContain(secret);
    expect(code).toBe(1);
  }, 60_000);

  it('reports a bad environment one variable a line, and stops there', async () => {
    const { code, output } = await validateConfig({ ...env(), PORT: 'not-a-port', OPENAI_BASE_URL: 'nope' });
    expect(output.split('\n').filter((line) => line.startsWith('✗ environment:')).length).toBeGreaterThanOrEqual(2);
    expect(output).not.toMatch(/database|Temporal/);
    expect(code).toBe(1);
  }, 60_000);
});
