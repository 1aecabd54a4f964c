import { type FakeMetaGraph, postMetaWebhook, startFakeMetaGraph } from '../fakes/fake-meta-graph';
import { requestJson } from '../support/http';
import { usePlatformTestStack } from '../support/platform-test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const PHONE_NUMBER_ID = '106540352242922';
const APP_SECRET = 'whatsapp-app-secret';
const ACCESS_TOKEN = 'EAAJB5SystemUserToken';

const TEMPLATES = [
  { name: 'order_update', language: 'en_US', parameters: ['customer', 'order'] },
  { name: 'reply_waiting', language: 'en_US', parameters: ['message'], reengagement: true },
];

describe('Proactive messages and WhatsApp templates', () => {
  let graph: FakeMetaGraph;
  let stack: TestStack;
  let counter = 0;
  const waId = () => `1650777${String(Date.now() % 100_000).padStart(5, '0')}${++counter}`;

  const platform = usePlatformTestStack({
    startFake: () => startFakeMetaGraph(),
    env: (graph) => ({
      META_GRAPH_BASE_URL: graph.baseUrl,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify',
    }),
  });
  beforeAll(async () => {
    ({ stack, fake: graph } = platform);
    expect((await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body: { whatsappTemplates: TEMPLATES } })).status).toBe(200);
  });

  const start = (body: unknown, key: string | null = `k-${++counter}`, headers: Record<string, string> = {}) =>
    requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/conversations`, { body, headers: { ...(key && { 'idempotency-key': key }), ...headers } });
  const sendsTo = (to: string) => graph.whatsappSends().filter((r) => r.body?.to === to && r.status === 200);
  const waitForSends = (to: string, count: number) => waitFor(`${count} sends to ${to}`, () => sendsTo(to).length >= count && sendsTo(to));

  it('opens a conversation with a template when the person never wrote, and sends it once however often the request is retried', async () => {
    const to = waId();
    const body = { platform: 'whatsapp', chatId: to, text: 'Hi Ada, your order #1042 has shipped.', template: { name: 'order_update', parameters: { customer: 'Ada', order: '#1042' } } };
    const first = await start(body, 'ship-1042');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'queued' });

    const [sent] = await waitForSends(to, 1);
    expect(sent!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }, { type: 'text', text: '#1042' }] }] },
    });
    await waitFor('the message stored as sent', async () => {
      const row = await stack.db.selectFrom('messages').select(['status', 'author', 'text']).where('outbound_key', '=', 'proactive:ship-1042').executeTakeFirst();
      return row?.status === 'sent' && row;
    });

    const again = await start(body, 'ship-1042');
    expect(again).toMatchObject({ status: 200, body: { conversationId: first.body.conversationId, status: 'already-sent' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sendsTo(to)).toHaveLength(1);
    const [row] = await stack.db.selectFrom('messages').select(['author', 'text', 'kind']).where('conversation_id', '=', first.body.conversationId).execute();
    expect(row).toEqual({ author: 'bot', text: 'Hi Ada, your order #1042 has shipped.', kind: 'reply' });
  });

  it('sends the text itself while the person wrote within 24 hours', async () => {
    const to = waId();
    const inbound = { from: to, id: `wamid.in${++counter}`, timestamp: '1749416383', type: 'text', text: { body: 'hello' } };
    const webhook = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1555', phone_number_id: PHONE_NUMBER_ID }, messages: [inbound] } }] }],
    };
    expect((await postMetaWebhook(`${stack.baseUrl}/webhooks/whatsapp/${stack.botId}`, webhook, { appSecret: APP_SECRET })).status).toBe(200);
    await waitForSends(to, 1);

    expect((await start({ platform: 'whatsapp', chatId: to, text: 'One more thing: we are closed on Sunday.' })).status).toBe(202);
    const sends = await waitForSends(to, 2);
    expect(sends[1]!.body).toMatchObject({ type: 'text', text: { body: 'One more thing: we are closed on Sunday.' } });
  });

  it("sends an operator's message outside the window as the bot's re-engagement template", async () => {
    const to = waId();
    const started = await start({ platform: 'whatsapp', chatId: to, text: 'Your parcel is waiting.', template: { name: 'order_update', parameters: { customer: 'Bo', order: '#7' } } });
    await waitForSends(to, 1);
    const id = started.body.conversationId;
    expect((await requestJson(stack.baseUrl, `/v1/conversations/${id}/handoff`, { method: 'POST', body: {} })).status).toBe(200);
    expect((await requestJson(stack.baseUrl, `/v1/conversations/${id}/messages`, { body: { text: 'Shall we deliver tomorrow?' } })).status).toBeLessThan(300);
    const sends = await waitForSends(to, 2);
    expect(sends[1]!.body.template).toEqual({ name: 'reply_waiting', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Shall we deliver tomorrow?' }] }] });
  });

  it("offers an intent's choices as reply buttons, and answers a press once, however often it is pressed", async () => {
    const intents = [{ name: 'delivery', description: 'When will it arrive', examples: ['when does it arrive'], action: { type: 'reply', text: 'Which order?', choices: [{ id: 'o1', title: 'Order #1' }, { id: 'o2', title: 'Order #2' }] } }];
    expect((await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body: { intents } })).status).toBe(200);
    stack.fakeOpenAI.setClassification({ kind: 'keywords', force: { intent: 'delivery', intentConfidence: 0.95 } });
    try {
      const from = waId();
      const inbound = (message: Record<string, unknown>) => ({
        object: 'whatsapp_business_account',
        entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1555', phone_number_id: PHONE_NUMBER_ID }, messages: [{ from, timestamp: '1749416383', ...message }] } }] }],
      });
      const post = (message: Record<string, unknown>) => postMetaWebhook(`${stack.baseUrl}/webhooks/whatsapp/${stack.botId}`, inbound(message), { appSecret: APP_SECRET });
      expect((await post({ id: `wamid.q${++counter}`, type: 'text', text: { body: 'when does it arrive' } })).status).toBe(200);
      const [offer] = await waitForSends(from, 1);
      expect(offer!.body).toMatchObject({
        type: 'interactive',
        interactive: { type: 'button', body: { text: 'Which order?' }, action: { buttons: [{ type: 'reply', reply: { id: 'o1', title: 'Order #1' } }, { type: 'reply', reply: { id: 'o2', title: 'Order #2' } }] } },
      });
      // The reply is stored once the platform took it: a moment after the fake saw the send.
      const offered = await waitFor('the offer stored', () => stack.db.selectFrom('messages').select('delivery_ids').where('text', '=', 'Which order?').executeTakeFirst());
      const ours = offered.delivery_ids[0]!;

      stack.fakeOpenAI.setClassification({ kind: 'keywords' });
      const press = () => post({ id: `wamid.p${++counter}`, type: 'interactive', context: { from: '15550783881', id: ours }, interactive: { type: 'button_reply', button_reply: { id: 'o2', title: 'Order #2' } } });
      expect((await press()).status).toBe(200);
      const sends = await waitForSends(from, 2);
      expect(sends[1]!.body.text.body).toBe('echo: Order #2 (choice: o2)');
      expect((await press()).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(sendsTo(from)).toHaveLength(2);
    } finally {
      stack.fakeOpenAI.setClassification({ kind: 'keywords' });
      await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body: { intents: [] } });
    }
  });

  it('refuses what cannot be right, and nothing is sent', async () => {
    const to = waId();
    const text = 'hello';
    const cases: Array<[unknown, string | null, number, RegExp]> = [
      [{ platform: 'whatsapp', chatId: to, text }, null, 400, /Idempotency-Key/],
      [{ platform: 'whatsapp', chatId: to, text, template: { name: 'nope', parameters: {} } }, 'a', 400, /no template "nope" \(it has: order_update, reply_waiting\)/],
      [{ platform: 'whatsapp', chatId: to, text, template: { name: 'order_update', parameters: { customer: 'Ada' } } }, 'b', 400, /order: /],
      [{ platform: 'whatsapp', chatId: to, text, template: { name: 'order_update', parameters: { customer: 'Ada', order: '1', extra: 'x' } } }, 'c', 400, /Unrecognized key|unrecognized/i],
      [{ platform: 'telegram', chatId: '42', text }, 'd', 409, /has no telegram channel/],
      [{ platform: 'webchat', chatId: to, text }, 'e', 400, /platform/],
      [{ platform: 'whatsapp', chatId: to, text: '' }, 'f', 400, /text/],
    ];
    for (const [body, key, status, message] of cases) {
      const answer = await start(body, key);
      expect({ status: answer.status, message: answer.body.error?.message }).toEqual({ status, message: expect.stringMatching(message) });
    }
    const viewer = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'viewer', role: 'viewer' } });
    const asViewer = await start({ platform: 'whatsapp', chatId: to, text }, 'g', { authorization: `Bearer ${viewer.body.key ?? viewer.body.data?.key}` });
    expect(asViewer.status).toBe(403);
    expect(graph.whatsappSends().filter((r) => r.body?.to === to)).toEqual([]);
    expect(await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', to).execute()).toEqual([]);
  });
});
