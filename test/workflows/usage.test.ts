import { postApiMessage } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { scrape, sumOf } from '../support/prometheus-text';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** A price that makes the arithmetic plain: a dollar per prompt token, two per completion token. */
const PRICE = { prompt: 1_000_000, completion: 2_000_000 };

describe('tokens and cost of every turn', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { MODEL_PRICES: JSON.stringify({ 'gpt-4o-mini': PRICE }) } });
  });
  afterAll(() => stack?.close());

  it('stores prompt and completion tokens with their cost, per step, per reply, per conversation, per model, and in Prometheus', async () => {
    const before = await scrape(`${stack.baseUrl}/metrics`);
    const from = new Date(Date.now() - 60_000).toISOString();
    await postApiMessage(stack, 'costs', 'm1', 'How much does shipping cost to Lisbon?', true);
    await postApiMessage(stack, 'costs', 'm2', 'And to Porto?', true);

    const conversation = await waitFor('the conversation', () =>
      stack.db.selectFrom('conversations').selectAll().where('chat_id', '=', 'costs').executeTakeFirst(),
    );
    const messages = (await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/messages`)).body.data;
    const replies = messages.filter((m: { direction: string }) => m.direction === 'outbound');
    expect(replies).toHaveLength(2);
    for (const reply of replies) {
      // Each turn made two model calls: the classification and the reply, each with both kinds of tokens.
      expect(reply.usage.steps.map((s: { step: string }) => s.step)).toEqual(['understand', 'reply']);
      for (const step of reply.usage.steps) {
        expect(step.promptTokens).toBeGreaterThan(0);
        expect(step.completionTokens).toBeGreaterThan(0);
        expect(step.costUsd).toBe(step.promptTokens + 2 * step.completionTokens);
      }
      const sum = (field: string) => reply.usage.steps.reduce((n: number, s: Record<string, number>) => n + s[field]!, 0);
      expect(reply.usage).toMatchObject({ promptTokens: sum('promptTokens'), completionTokens: sum('completionTokens'), costUsd: sum('costUsd') });
    }
    // People's messages cost nothing.
    expect(messages.filter((m: { direction: string }) => m.direction === 'inbound').every((m: { usage: unknown }) => m.usage === null)).toBe(true);

    const total = (field: string) => replies.reduce((n: number, r: { usage: Record<string, number> }) => n + r.usage[field]!, 0);
    const detail = (await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}`)).body.data;
    expect(detail.usage).toEqual({ promptTokens: total('promptTokens'), completionTokens: total('completionTokens'), costUsd: total('costUsd') });

    const to = new Date(Date.now() + 60_000).toISOString();
    const summary = (await requestJson(stack.baseUrl, `/v1/analytics/summary?botId=${stack.botId}&from=${from}&to=${to}`)).body.data;
    expect(summary.models).toEqual([{ model: 'gpt-4o-mini', promptTokens: total('promptTokens'), completionTokens: total('completionTokens'), costUsd: total('costUsd') }]);
    expect(summary.costUsd).toBe(total('costUsd'));
    expect(summary.modelTokens).toBe(total('promptTokens') + total('completionTokens'));

    const after = await scrape(`${stack.baseUrl}/metrics`);
    const grew = (name: string, labels: Record<string, string>) => sumOf(after, name, labels) - sumOf(before, name, labels);
    const labels = { bot: stack.botId, model: 'gpt-4o-mini' };
    expect(grew('chat_model_tokens_total', { ...labels, kind: 'prompt' })).toBe(total('promptTokens'));
    expect(grew('chat_model_tokens_total', { ...labels, kind: 'completion' })).toBe(total('completionTokens'));
    expect(grew('chat_model_cost_usd_total', labels)).toBe(total('costUsd'));
  });
});
