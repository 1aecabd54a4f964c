import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai';

describe('fake OpenAI server (driven by the real openai SDK)', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'test', baseURL: fake.baseUrl, maxRetries: 0 });
  });

  afterEach(() => fake.reset());

  afterAll(async () => {
    await fake.close();
  });

  const ask = (content: string, opts?: OpenAI.RequestOptions) =>
    client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'be nice' },
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content },
        ],
      },
      opts,
    );

  it('replies with a valid ChatCompletion echoing the last user message', async () => {
    const completion = await ask('hello there');
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'echo: hello there', refusal: null });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('flags moderation input containing a flagged word', async () => {
    const flagged = await client.moderations.create({ model: 'omni-moderation-latest', input: 'talk about Forbidden-Topic now' });
    expect(flagged.results[0]?.flagged).toBe(true);
    expect(flagged.results[0]?.categories.violence).toBe(true);
    expect(flagged.results[0]?.categories.harassment).toBe(false);

    const clean = await client.moderations.create({ input: ['hello', 'all fine'] });
    expect(clean.results.map((r) => r.flagged)).toEqual([false, false]);

    fake.setFlaggedWords(['banana']);
    const custom = await client.moderations.create({ input: 'I like BANANAS' });
    expect(custom.results[0]?.flagged).toBe(true);
    fake.setFlaggedWords(['forbidden-topic']);
  });

  it('answers 429 with retry-after', async () => {
    fake.enqueue({ kind: 'rate-limit', retryAfterSeconds: 2 });
    const err = await ask('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const apiErr = err as InstanceType<typeof OpenAI.APIError>;
    expect(apiErr.status).toBe(429);
    expect(apiErr.headers?.get('retry-after')).toBe('2');
    expect(apiErr.type).toBe('rate_limit_exceeded');
  });

  it('answers 500 and 400', async () => {
    fake.enqueue({ kind: 'server-error' }, { kind: 'bad-request' });
    const e500 = await ask('x').catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(OpenAI.InternalServerError);
    expect((e500 as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    const e400 = await ask('x').catch((e: unknown) => e);
    expect(e400).toBeInstanceOf(OpenAI.BadRequestError);
    // queue drained: default reply again
    expect((await ask('back')).choices[0]?.message.content).toBe('echo: back');
  });

  it('records calls in arrival order with statuses', async () => {
    fake.enqueue({ kind: 'reply', text: 'custom' }, { kind: 'rate-limit', retryAfterSeconds: 2 }, { kind: 'server-error' });
    const start = Date.now();
    expect((await ask('one')).choices[0]?.message.content).toBe('custom');
    await client.moderations.create({ input: 'forbidden-topic' });
    await ask('two').catch(() => undefined);
    await ask('three').catch(() => undefined);

    expect(fake.calls.map((c) => [c.endpoint, c.status])).toEqual([
      ['chat', 200],
      ['moderation', 200],
      ['chat', 429],
      ['chat', 500],
    ]);
    expect(fake.calls[0]?.body.messages.at(-1).content).toBe('one');
    expect(fake.calls[1]?.body.input).toBe('forbidden-topic');
    expect(fake.chatCalls()).toHaveLength(3);
    for (const c of fake.calls) expect(c.at).toBeGreaterThanOrEqual(start);
  });

  it('delays replies and hangs until the client gives up', async () => {
    fake.enqueue({ kind: 'reply', delayMs: 150 }, { kind: 'hang' });
    const t0 = Date.now();
    await ask('slow');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    const err = await ask('stuck', { timeout: 200 }).catch((e: unknown) => e);
    // Outside jest this is an APIConnectionTimeoutError. Under jest's sandboxed realm the SDK's
    // `castToError` does not see undici's DOMException AbortError as an `Error` and wraps it,
    // so only the base class APIConnectionError can be relied upon here.
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(fake.calls.at(-1)?.status).toBe(0);
  });

  it('fails a seeded fraction of calls in chaos mode', async () => {
    const run = async () => {
      fake.setFailureRate(0.5, 7);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        await ask(`m${i}`).catch(() => undefined);
        statuses.push(fake.calls.at(-1)!.status);
      }
      fake.reset();
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b); // same seed, same sequence
    expect(a.some((s) => s === 200)).toBe(true);
    expect(a.some((s) => s === 429 || s === 500)).toBe(true);
    expect(a.every((s) => [200, 429, 500].includes(s))).toBe(true);
  });

  it('answers 404 JSON for unknown routes', async () => {
    const res = await fetch(`${fake.baseUrl}/embeddings`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect((await res.json()).error.type).toBe('invalid_request_error');
    expect(fake.calls).toHaveLength(0);
  });

  it('close() ends hanging requests', async () => {
    const other = await startFakeOpenAI();
    other.setDefault({ kind: 'hang' });
    const c = new OpenAI({ apiKey: 'test', baseURL: other.baseUrl, maxRetries: 0 });
    const pending = c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    while (other.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
    await other.close();
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
