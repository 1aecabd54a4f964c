import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord';
import { type FakeMetaGraph, startFakeMetaGraph } from '../fakes/fake-meta-graph';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack';
import { type FakeTelegram, startFakeTelegram } from '../fakes/fake-telegram';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { productEnv } from '../support/worker-process';

const ROOT = join(__dirname, '..', '..');
const TELEGRAM_TOKEN = '123456789:AAValidateConfigToken_for-tests';
const SLACK_TOKEN = 'xoxb-real-slack-token-9876';
const WRONG_SLACK_TOKEN = 'xoxb-revoked-slack-token-4321';
const DISCORD_TOKEN = 'MTEwMDAwMDAwMDAw.discord-bot-token.Zx9q';
const PAGE_TOKEN = 'EAAG-messenger-page-token-Pg42';
const WHATSAPP_TOKEN = 'EAAG-whatsapp-system-user-token-Wa77';
const PHONE_NUMBER_ID = '106540352242922';

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
  let discord: FakeDiscord;
  let meta: FakeMetaGraph;

  beforeAll(async () => {
    [telegram, slack, discord, meta] = await Promise.all([
      startFakeTelegram({ botToken: TELEGRAM_TOKEN }),
      startFakeSlack({ botToken: SLACK_TOKEN }),
      startFakeDiscord({ botToken: DISCORD_TOKEN, botUser: { id: '1100000000000000042', username: 'Helpdesk' } }),
      startFakeMetaGraph(),
    ]);
    meta.addPage({ pageAccessToken: PAGE_TOKEN, id: '987654321', name: 'Corner Bakery' });
    meta.addPhoneNumber({ phoneNumberId: PHONE_NUMBER_ID, accessToken: WHATSAPP_TOKEN, displayPhoneNumber: '+1 631-555-5555', verifiedName: 'Corner Bakery' });
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([telegram?.close(), slack?.close(), discord?.close(), meta?.close()]);
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

  /** The default bot with Discord, Messenger and WhatsApp channels from the environment. */
  const metaAndDiscordEnv = (tokens: { discord?: string; whatsapp?: string } = {}) => ({
    ...env(),
    DISCORD_API_BASE_URL: `${discord.baseUrl}/api/v10`,
    DISCORD_APPLICATION_ID: '1100000000000000042',
    DISCORD_PUBLIC_KEY: 'ab'.repeat(32),
    DISCORD_BOT_TOKEN: tokens.discord ?? DISCORD_TOKEN,
    META_GRAPH_BASE_URL: meta.baseUrl,
    MESSENGER_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
    MESSENGER_APP_SECRET: 'messenger-app-secret-1234',
    MESSENGER_VERIFY_TOKEN: 'messenger-verify',
    WHATSAPP_ACCESS_TOKEN: tokens.whatsapp ?? WHATSAPP_TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: 'whatsapp-app-secret-5678',
    WHATSAPP_VERIFY_TOKEN: 'whatsapp-verify',
  });

  it("asks Discord, Messenger and WhatsApp whose credentials they are, and names a wrong one's platform and variables", async () => {
    const good = await validateConfig(metaAndDiscordEnv());
    expect(good.output).toMatch(/^✓ discord for bot \S+: Helpdesk \(application bot 1100000000000000042\)$/m);
    expect(good.output).toMatch(/^✓ messenger for bot \S+: Page "Corner Bakery" \(987654321\)$/m);
    expect(good.output).toMatch(/^✓ whatsapp for bot \S+: Corner Bakery \+1 631-555-5555$/m);

    const wrong = await validateConfig(metaAndDiscordEnv({ discord: 'MTEwMDAwMDAwMDAw.revoked-bot-token.Qq01', whatsapp: 'EAAG-expired-system-user-token-Ex99' }));
    expect(wrong.output).toMatch(/^✗ discord for bot \S+: GET \/users\/@me answered 401 401: Unauthorized\n {4}→ check the DISCORD_\* variables \(.*botToken …Qq01\)$/m);
    // Every credential value is shortened, the number's id among them.
    expect(wrong.output).toMatch(new RegExp(`^✗ whatsapp for bot \\S+: GET /…2922 answered 401 Invalid OAuth access token.*\\n {4}→ check the WHATSAPP_\\* variables \\(accessToken …Ex99, .*\\)$`, 'm'));
    expect(wrong.output).toMatch(/^✓ messenger for bot /m);
    for (const secret of ['MTEwMDAwMDAwMDAw.revoked-bot-token.Qq01', 'EAAG-expired-system-user-token-Ex99', PAGE_TOKEN, 'messenger-app-secret-1234', 'whatsapp-app-secret-5678']) expect(wrong.output).not.toContain(secret);
    expect(wrong.code).toBe(1);
  }, 60_000);

  it('reports a bad environment one variable a line, and stops there', async () => {
    const { code, output } = await validateConfig({ ...env(), PORT: 'not-a-port', OPENAI_BASE_URL: 'nope' });
    expect(output.split('\n').filter((line) => line.startsWith('✗ environment:')).length).toBeGreaterThanOrEqual(2);
    expect(output).not.toMatch(/database|Temporal/);
    expect(code).toBe(1);
  }, 60_000);
});
