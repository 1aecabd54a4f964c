import { normaliseInbound } from '../../src/conversations/normalise-inbound';
import type { InboundMessage } from '../../src/conversations/inbound-message';
import type { WebhookOutcome, WebhookRequest } from '../../src/platforms/messaging-platform';
import { parseGatewayMessage } from '../../src/platforms/discord-gateway-message';
import { parseTelegramUpdate } from '../../src/platforms/telegram-update';
import { whatsapp } from '../../src/platforms/whatsapp';

/** How each platform names the person who wrote, read from its webhook as it sends it. */
const AT = '2026-12-04T00:00:00.000Z';

function firstMessage(outcome: WebhookOutcome): InboundMessage {
  if (outcome.kind !== 'messages' || !outcome.messages[0]) throw new Error(`no message: ${JSON.stringify(outcome)}`);
  return outcome.messages[0];
}

describe("people's names", () => {
  describe('Telegram', () => {
    const update = (from: Record<string, unknown>) =>
      parseTelegramUpdate('b', { update_id: 1, message: { message_id: 5, date: 1441645532, chat: { id: 7, type: 'private' }, from: { id: 7, ...from }, text: 'hi' } }, AT);

    it('names a person by first and last name, else by @username, else not at all', () => {
      expect(firstMessage(update({ first_name: 'Maria', last_name: 'Lopez', username: 'mlopez' })).userName).toBe('Maria Lopez');
      expect(firstMessage(update({ first_name: 'Maria' })).userName).toBe('Maria');
      expect(firstMessage(update({ username: 'mlopez' })).userName).toBe('@mlopez');
      expect(firstMessage(update({}))).not.toHaveProperty('userName');
    });

    it('names the person who pressed a button', () => {
      const press = parseTelegramUpdate(
        'b',
        {
          update_id: 2,
          callback_query: {
            id: 'q1',
            from: { id: 7, first_name: 'Maria' },
            data: 'yes',
            message: { message_id: 9, date: 1441645532, chat: { id: 7, type: 'private' }, reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] } },
          },
        },
        AT,
      );
      expect(firstMessage(press).userName).toBe('Maria');
    });
  });

  describe('WhatsApp', () => {
    const parse = (contacts: unknown) =>
      whatsapp.parseWebhook({
        botId: 'b',
        request: {} as WebhookRequest,
        body: {
          object: 'whatsapp_business_account',
          entry: [
            {
              id: 'W1',
              changes: [
                {
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '1555', phone_number_id: '1055' },
                    contacts,
                    messages: [{ from: '16505551234', id: 'wamid.1', timestamp: '1700000000', type: 'text', text: { body: 'hi' } }],
                  },
                },
              ],
            },
          ],
        },
        credentials: { accessToken: 't', phoneNumberId: '1055', appSecret: 's', verifyToken: 'v' },
        receivedAt: AT,
      });

    it("names a person by the profile name of the contact whose wa_id sent the message", () => {
      expect(firstMessage(parse([{ profile: { name: 'Someone Else' }, wa_id: '4420' }, { profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }])).userName).toBe('Sheena Nelson');
    });

    it('takes the message without a name when the contacts are missing or not as documented', () => {
      expect(firstMessage(parse(undefined))).not.toHaveProperty('userName');
      expect(firstMessage(parse([{ wa_id: '16505551234' }, 'junk']))).toMatchObject({ text: 'hi' });
      expect(firstMessage(parse([{ wa_id: '16505551234' }]))).not.toHaveProperty('userName');
    });
  });

  describe('Discord', () => {
    const parse = (extra: Record<string, unknown>) =>
      parseGatewayMessage({ botId: 'b', botUserId: 'BOT', receivedAt: AT, data: { id: '1', channel_id: 'c1', type: 0, content: 'hi', mentions: [], attachments: [], author: { id: 'u1', username: 'maria_l' }, ...extra } });

    it("names a person by their server nickname, else their display name, else their username", () => {
      const author = { id: 'u1', username: 'maria_l', global_name: 'Maria L.' };
      const get = (outcome: ReturnType<typeof parse>) => (outcome.kind === 'message' ? outcome.message.userName : undefined);
      expect(get(parse({ author, member: { nick: 'Maria (support)' } }))).toBe('Maria (support)');
      expect(get(parse({ author, member: { nick: null } }))).toBe('Maria L.');
      expect(get(parse({ author: { id: 'u1', username: 'maria_l', global_name: null } }))).toBe('maria_l');
    });
  });

  it('keeps a name to one clean line of at most 100 characters, and drops a blank one', () => {
    const base = { botId: 'b', platform: 'telegram' as const, chatId: '7', userId: '7', messageId: '1', text: 'hi', attachments: [], receivedAt: AT };
    expect(normaliseInbound({ ...base, userName: 'Ma\u0000ria\nLopez' }).userName).toBe('Maria Lopez');
    expect(normaliseInbound({ ...base, userName: 'x'.repeat(300) }).userName).toHaveLength(100);
    expect(normaliseInbound({ ...base, userName: ' \u0007 ' })).not.toHaveProperty('userName');
  });
});
