import { connect } from 'node:net';
import { sign } from 'hono/jwt';
import { requestJson } from '../support/http';
import { startTestStack, TEST_ADMIN_KEY, type TestStack } from '../support/test-stack';

/** What the product does when nobody configured anything more: safe, and saying why when it refuses. */
describe('safe defaults', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      worker: false,
      env: { RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3', RATE_LIMIT_WEBCHAT_VISITOR_PER_MINUTE: '2', MAX_BODY_BYTES: '1024' },
    });
  });
  afterAll(() => stack?.close());

  it('listens on 127.0.0.1 only', () => {
    expect(new URL(stack.baseUrl).hostname).toBe('127.0.0.1');
    expect(stack.config.host).toBe('127.0.0.1');
  });

  it('refuses an address after repeated wrong API keys, even with the right key, until the window ends', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await requestJson(stack.baseUrl, '/v1/conversations', { headers: { authorization: `Bearer guess-${i}` } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const withTheRightKey = await requestJson(stack.baseUrl, '/v1/conversations', { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    expect(withTheRightKey.status).toBe(429);
    expect(withTheRightKey.body.error.code).toBe('rate_limited');
    expect(Number(withTheRightKey.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  describe('visitor tokens', () => {
    const session = async () => (await requestJson(stack.baseUrl, `/webchat/${stack.botId}/sessions`, { body: {}, admin: false })).body;
    const send = (authorization: string, i: number) =>
      requestJson(stack.baseUrl, `/webchat/${stack.botId}/messages`, {
        body: { text: `message ${i}`, clientMessageId: `c-${i}` },
        headers: { authorization },
        admin: false,
      });

    it('limits the verified visitor, however the Authorization header is spelled', async () => {
      const { token } = await session();
      const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER   ${token}`];
      const statuses = [];
      for (const [i, spelling] of spellings.entries()) statuses.push((await send(spelling, i)).status);
      expect(statuses).toEqual([202, 202, 429]);
    });

    it('rejects a token without an expiry, even one signed with the right secret', async () => {
      const { visitorId } = await session();
      const forever = await sign({ sub: visitorId, bot: stack.botId }, stack.config.webchat.tokenSecret, 'HS256');
      const res = await send(`Bearer ${forever}`, 9);
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/no expiry/);
    });

    it('rejects a token forged with the fixed development secret of earlier versions', async () => {
      const { visitorId } = await session();
      const exp = Math.floor(Date.now() / 1000) + 600;
      const forged = await sign({ sub: visitorId, bot: stack.botId, exp }, 'development-only-webchat-secret', 'HS256');
      const events = await fetch(`${stack.baseUrl}/webchat/${stack.botId}/events?token=${forged}`);
      expect(events.status).toBe(401);
      await events.body?.cancel();
    });
  });

  it('answers an oversized body with 413 and closes the connection', async () => {
    const { port } = new URL(stack.baseUrl);
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => reject(new Error(`the server kept the connection open after: ${received}`)));
      socket.write(
        `POST /v1/bots/${stack.botId}/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(2048),
      );
    });
    expect(response).toMatch(/^HTTP\/1\.1 413/);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
  });
});
