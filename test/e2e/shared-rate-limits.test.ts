import { inOneRateWindow } from '../support/rate-windows';
import { sql } from 'kysely';
import { createTestDatabase } from '../support/test-database';
import { readTestRun } from '../support/test-run';
import { startStack, type TestStack } from '../support/test-stack';

/** Two API instances on one database, as behind a load balancer: the limits are theirs together. */
describe('rate limits shared across instances', () => {
  let database: { url: string; drop(): Promise<void> };
  let first: TestStack;
  let second: TestStack;
  let behindProxy: TestStack;
  let behindOtherProxy: TestStack;

  beforeAll(async () => {
    const run = readTestRun();
    database = await createTestDatabase();
    const servers = { database: { url: database.url, drop: async () => undefined }, temporalAddress: run.temporalAddress, workflowBundlePath: run.workflowBundlePath };
    const env = { RATE_LIMIT_WEBHOOK_IP_PER_MINUTE: '4' };
    [first, second] = await Promise.all([startStack(servers, { worker: false, env, captureLogs: true }), startStack(servers, { worker: false, env })]);
    behindProxy = await startStack(servers, { worker: false, env: { ...env, TRUSTED_PROXIES: '127.0.0.1,::1' } });
    // Trusts a proxy range the test's requests do not come from.
    behindOtherProxy = await startStack(servers, { worker: false, env: { ...env, TRUSTED_PROXIES: '10.0.0.0/8' } });
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close(), behindProxy?.close(), behindOtherProxy?.close()]);
    await database?.drop();
  });

  const webhook = (stack: TestStack, i: number, headers: Record<string, string> = {}) =>
    fetch(`${stack.baseUrl}/webhooks/telegram/no-such-bot-${i}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' }).then((r) => r.status);

  // Each test starts in a fresh minute's window by using its own addresses (behind the proxy) or waits nothing: the limit is per minute.
  it('counts one limit over every instance, and a header a client sets changes nothing', async () => {
    await inOneRateWindow();
    const statuses: number[] = [];
    // Taking turns over three instances; the forged X-Forwarded-For is believed by none: two trust no
    // proxy, the third trusts 10.0.0.0/8, which these requests do not come from.
    const instances = [first, second, behindOtherProxy];
    for (let i = 0; i < 6; i++) statuses.push(await webhook(instances[i % 3]!, i, { 'x-forwarded-for': `203.0.113.${i}` }));
    expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
    const refused = await fetch(`${second.baseUrl}/webhooks/telegram/no-such-bot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('behind a trusted proxy, limits each client the proxy names', async () => {
    await inOneRateWindow();
    const a = [];
    // Whatever the client wrote before the address the proxy appended is not believed.
    for (let i = 0; i < 5; i++) a.push(await webhook(behindProxy, i, { 'x-forwarded-for': `203.0.113.${i}, 198.51.100.7` }));
    expect(a).toEqual([404, 404, 404, 404, 429]);
    // Another client behind the same proxy has its own share.
    expect(await webhook(behindProxy, 9, { 'x-forwarded-for': '198.51.100.8' })).toBe(404);
  });

  it('lets requests through when the counts cannot be kept', async () => {
    await inOneRateWindow();
    await sql`alter table rate_limit_windows rename to rate_limit_windows_away`.execute(first.db);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(await webhook(first, i));
      expect(statuses).toEqual([404, 404, 404, 404, 404, 404]);
      expect(first.logs.filter((line) => line.includes('Rate limits cannot be counted')).map((line) => JSON.parse(line).level)).toEqual([40]);
    } finally {
      await sql`alter table rate_limit_windows_away rename to rate_limit_windows`.execute(first.db);
    }
  });
});
