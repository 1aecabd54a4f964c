import { requestJson } from '../support/http';
import { openEventStream, type SseConnection } from '../support/sse-client';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('web chat', () => {
  let stack: TestStack;
  const streams: SseConnection[] = [];
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    streams.forEach((s) => s.close());
    await stack?.close();
  });

  async function newVisitor() {
    const session = await requestJson(stack.baseUrl, `/webchat/${stack.botId}/sessions`, { body: {}, admin: false });
    expect(session.status).toBe(201);
    return session.body as { token: string; visitorId: string };
  }

  async function listen(token: string) {
    const stream = await openEventStream(`${stack.baseUrl}/webchat/${stack.botId}/events?token=${token}`);
    streams.push(stream);
    return stream;
  }

  function send(token: string, text: string, clientMessageId: string) {
    return requestJson(stack.baseUrl, `/webchat/${stack.botId}/messages`, {
      body: { text, clientMessageId },
      headers: { authorization: `Bearer ${token}` },
      admin: false,
    });
  }

  it('delivers replies over server-sent events, in order, to that visitor only', async () => {
    const alice = await newVisitor();
    const bob = await newVisitor();
    const aliceStream = await listen(alice.token);
    const bobStream = await listen(bob.token);

    for (const [i, text] of ['hello', 'how are you?', 'bye'].entries()) {
      expect((await send(alice.token, text, `a-${i}`)).status).toBe(202);
      await waitFor(`reply to ${text}`, () => aliceStream.events.some((e) => e.role === 'bot' && e.text === `echo: ${text}`));
    }
    expect(aliceStream.events.map((e) => [e.role, e.text])).toEqual([
      ['visitor', 'hello'],
      ['bot', 'echo: hello'],
      ['visitor', 'how are you?'],
      ['bot', 'echo: how are you?'],
      ['visitor', 'bye'],
      ['bot', 'echo: bye'],
    ]);
    expect(aliceStream.events[0].clientMessageId).toBe('a-0');
    expect(bobStream.events).toEqual([]);
    expect(bobStream.drafts).toEqual([]);
  });

  it('says the bot is typing, from the server, before the reply comes; only to that visitor', async () => {
    const alice = await newVisitor();
    const bob = await newVisitor();
    const aliceStream = await listen(alice.token);
    const bobStream = await listen(bob.token);
    expect((await send(alice.token, 'anyone there?', 't-1')).status).toBe(202);
    await waitFor('the reply', () => aliceStream.events.some((e) => e.role === 'bot'));

    expect(aliceStream.typing.map((t) => t.data)).toEqual([{ outboundKey: expect.any(String), state: 'start', lastsMs: 10_000 }]);
    const reply = aliceStream.events.findIndex((e) => e.role === 'bot');
    expect(aliceStream.typing[0]!.messagesBefore).toBeLessThanOrEqual(reply);
    expect(aliceStream.typing[0]!.at).toBeLessThanOrEqual(aliceStream.drafts[0]?.at ?? Infinity);
    expect(bobStream.typing).toEqual([]);
  });

  /** The draft as a visitor's page builds it: a new draft id starts over, a piece is appended at its offset. */
  function draftText(drafts: Array<{ data: { draftId?: string; offset?: number; delta?: string; discard?: boolean } }>): string {
    let id: string | undefined;
    let text = '';
    for (const { data } of drafts) {
      if (data.discard) text = '';
      else if (data.draftId !== id) [id, text] = [data.draftId, data.delta!];
      else if (data.offset === text.length) text += data.delta;
    }
    return text;
  }

  it('streams the reply as the model writes it, sentence by sentence once moderated, and the stored reply replaces the draft', async () => {
    const dan = await newVisitor();
    const stream = await listen(dan.token);
    const reply = 'The first sentence comes early. Then the rest follows, word by word, until the end.';
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: reply, streamDelayMs: 60 });
    expect((await send(dan.token, 'tell me something', 'd-0')).status).toBe(202);

    await waitFor('the first sentence as a draft', () => draftText(stream.drafts).startsWith('The first sentence comes early.'));
    const call = stack.fakeOpenAI.chatCalls().at(-1)!;
    expect(call.body.stream).toBe(true);
    // The visitor read the first sentence before the model wrote its last word.
    const firstShown = stream.drafts.find((d) => d.data.delta?.includes('early.'))!.at;
    await waitFor('the stored reply', () => stream.events.some((e) => e.role === 'bot'));
    expect(firstShown).toBeLessThan(call.lastDeltaAt!);
    expect(draftText(stream.drafts)).toBe(reply);
    expect(stream.events.filter((e) => e.role === 'bot').map((e) => e.text)).toEqual([reply]);
  });

  it('never shows a sentence that moderation blocks: the draft is taken back and the refusal replaces it', async () => {
    const fay = await newVisitor();
    const stream = await listen(fay.token);
    // Slow enough that the first sentence is shown well before the second is written.
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: 'A harmless start. Then the forbidden-topic itself. And more after it.', streamDelayMs: 150 });
    expect((await send(fay.token, 'go on', 'f-0')).status).toBe(202);
    await waitFor('the stored reply', () => stream.events.some((e) => e.role === 'bot'));
    const shown = stream.drafts.map((d) => d.data.delta ?? '').join('');
    expect(shown).toBe('A harmless start. ');
    expect(stream.drafts.at(-1)!.data).toMatchObject({ discard: true });
    expect(stream.events.find((e) => e.role === 'bot')).toMatchObject({ kind: 'refusal' });
  });

  it('starts a clean draft when the model call is retried, never a doubled one', async () => {
    const eve = await newVisitor();
    const stream = await listen(eve.token);
    const reply = 'Once upon a time. There was a reply that broke halfway. And then it came whole.';
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: reply, streamDelayMs: 20, breakAfterWords: 6 }, { kind: 'reply', text: reply, streamDelayMs: 5 });
    expect((await send(eve.token, 'a story please', 'e-0')).status).toBe(202);
    await waitFor('the stored reply', () => stream.events.some((e) => e.role === 'bot'), { timeoutMs: 20_000 });
    expect(new Set(stream.drafts.flatMap((d) => (d.data.draftId ? [d.data.draftId] : []))).size).toBe(2);
    expect(draftText(stream.drafts)).toBe(reply);
    expect(stream.events.filter((e) => e.role === 'bot').map((e) => e.text)).toEqual([reply]);
  });

  it('replays the history to a reconnecting visitor from the last event it saw', async () => {
    const carol = await newVisitor();
    const first = await listen(carol.token);
    await send(carol.token, 'remember me', 'c-1');
    await waitFor('the reply', () => first.events.length === 2);
    first.close();

    await send(carol.token, 'while away', 'c-2');
    const again = await openEventStream(`${stack.baseUrl}/webchat/${stack.botId}/events?token=${carol.token}`, {
      'last-event-id': String(first.events[1].seq),
    });
    streams.push(again);
    await waitFor('the missed messages', () => again.events.length === 2);
    expect(again.events.map((e) => e.text)).toEqual(['while away', 'echo: while away']);
  });

  it("refuses another visitor's token, another bot's token, and forged or missing tokens", async () => {
    const dave = await newVisitor();
    const tampered = `${dave.token.slice(0, -4)}AAAA`;
    expect((await send(tampered, 'hi', 'x-1')).status).toBe(401);
    expect((await send('', 'hi', 'x-1')).status).toBe(401);
    expect((await listen(tampered)).status).toBe(401);

    const other = await startTestStack({ worker: false });
    try {
      const res = await requestJson(other.baseUrl, `/webchat/${other.botId}/messages`, {
        body: { text: 'hi', clientMessageId: 'x-2' },
        headers: { authorization: `Bearer ${dave.token}` },
        admin: false,
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    } finally {
      await other.close();
    }
    const rows = await stack.db.selectFrom('messages').select('id').where('platform_message_id', 'like', `${dave.visitorId}%`).execute();
    expect(rows).toEqual([]);
  });

  it('rejects an expired visitor token', async () => {
    const { sign } = await import('hono/jwt');
    const expired = await sign(
      { sub: 'visitor-x', bot: stack.botId, exp: Math.floor(Date.now() / 1000) - 10 },
      stack.config.webchat.tokenSecret,
      'HS256',
    );
    const res = await send(expired, 'hi', 'e-1');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
  });

  it('serves the chat page for a known bot and 404 for an unknown one', async () => {
    const page = await fetch(`${stack.baseUrl}/chat/${stack.botId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain(`const BOT_ID = "${stack.botId}"`);
    expect((await fetch(`${stack.baseUrl}/chat/no-such-bot`)).status).toBe(404);
  });
});

describe('web chat from other sites', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false, env: { WEBCHAT_ALLOWED_ORIGINS: 'https://shop.example' } });
  });
  afterAll(() => stack?.close());

  it('lets named origins call the widget API, and no one else', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.baseUrl}/webchat/${stack.botId}/messages`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight('https://shop.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends security headers with the chat page', async () => {
    const page = await fetch(`${stack.baseUrl}/chat/${stack.botId}`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
