import { normaliseChange } from '../../src/conversations/message-change';
import type { WebhookOutcome, WebhookRequest } from '../../src/platforms/messaging-platform';
import { messenger } from '../../src/platforms/messenger';
import { parseSlackWebhook } from '../../src/platforms/slack';
import { parseTelegramUpdate } from '../../src/platforms/telegram-update';
import { whatsapp } from '../../src/platforms/whatsapp';
import { messengerEdit, messengerReaction, whatsappReaction } from '../fakes/fake-meta-graph';
import { SLACK_BOT_USER_ID, slackEventCallback, slackMessageChanged, slackMessageDeleted, slackReaction, slackUserMessage } from '../fakes/fake-slack';
import { telegramEditedMessage, telegramReaction } from '../fakes/fake-telegram';

const AT = '2026-12-04T00:00:00.000Z';
const REQUEST = {} as WebhookRequest;
const PAGE_ID = '106540352242922';

function changesOf(outcome: WebhookOutcome) {
  if (outcome.kind === 'changes') return outcome.changes;
  if (outcome.kind === 'messages') return outcome.changes ?? [];
  throw new Error(`no changes: ${JSON.stringify(outcome)}`);
}

describe('edits, deletes and reactions, as each platform sends them', () => {
  describe('Telegram', () => {
    it('reads an edited_message as an edit of the message its chat and message_id name', () => {
      const outcome = parseTelegramUpdate('b', telegramEditedMessage({ updateId: 1, chatId: 5, messageId: 1365, text: 'the red one' }), AT);
      expect(outcome).toEqual({ kind: 'changes', changes: [{ kind: 'edit', ref: '5:1365', text: 'the red one' }] });
    });

    it('reads a message_reaction as the emoji added and those taken back, on a person\'s message or a reply', () => {
      const outcome = parseTelegramUpdate('b', telegramReaction({ updateId: 2, chatId: 5, messageId: 77, before: ['👍', '🔥'], after: ['🔥', '🎉'] }), AT);
      const target = { ref: '5:77', reply: { chatId: '5', platformMessageId: '77' }, userId: '5' };
      expect(changesOf(outcome)).toEqual([
        { kind: 'reaction', ...target, emoji: '👍', added: false },
        { kind: 'reaction', ...target, emoji: '🎉', added: true },
      ]);
    });

    it('ignores an anonymous reaction and an edit with no text', () => {
      const reaction = telegramReaction({ updateId: 3, chatId: 5, messageId: 77, before: [], after: ['👍'] }) as any;
      delete reaction.message_reaction.user;
      expect(parseTelegramUpdate('b', reaction, AT).kind).toBe('ignored');
      const edit = telegramEditedMessage({ updateId: 4, chatId: 5, messageId: 78, text: 'x' }) as any;
      delete edit.edited_message.text;
      expect(parseTelegramUpdate('b', edit, AT).kind).toBe('ignored');
    });
  });

  describe('Slack', () => {
    const parse = (event: unknown) => parseSlackWebhook({ botId: 'b', body: slackEventCallback(event as never), receivedAt: AT });
    const original = slackUserMessage({ channel: 'D0CHANGES', user: 'U1', text: 'my order is 12345' });

    it('reads message_changed as an edit of the message its channel and ts name, unescaped', () => {
      expect(parse(slackMessageChanged({ channel: 'D0CHANGES', text: 'my order is 1 &lt; 2', original }))).toEqual({
        kind: 'changes',
        changes: [{ kind: 'edit', ref: `D0CHANGES:${original.ts}`, text: 'my order is 1 < 2' }],
      });
    });

    it('reads message_deleted as a delete of the message deleted_ts names', () => {
      expect(parse(slackMessageDeleted(original))).toEqual({ kind: 'changes', changes: [{ kind: 'delete', ref: `D0CHANGES:${original.ts}` }] });
    });

    it('reads reaction_added and reaction_removed, and leaves the bot\'s own reactions and edits out', () => {
      const reaction = (type: 'reaction_added' | 'reaction_removed', user = 'U1') =>
        parse(slackReaction({ type, user, reaction: 'thumbsup', channel: 'C1', ts: '100.2', itemUser: SLACK_BOT_USER_ID }));
      const target = { ref: 'C1:100.2', reply: { chatId: 'C1', platformMessageId: '100.2' }, userId: 'U1', emoji: 'thumbsup' };
      expect(changesOf(reaction('reaction_added'))).toEqual([{ kind: 'reaction', ...target, added: true }]);
      expect(changesOf(reaction('reaction_removed'))).toEqual([{ kind: 'reaction', ...target, added: false }]);
      expect(reaction('reaction_added', SLACK_BOT_USER_ID).kind).toBe('ignored');
      const ours = slackUserMessage({ channel: 'C1', user: SLACK_BOT_USER_ID, text: 'our reply' });
      expect(parse(slackMessageChanged({ channel: 'C1', text: 'edited reply', original: ours })).kind).toBe('ignored');
    });
  });

  describe('Messenger', () => {
    const parse = (...messaging: unknown[]) =>
      messenger.parseWebhook({
        botId: 'b',
        request: REQUEST,
        body: { object: 'page', entry: [{ id: PAGE_ID, time: 1, messaging }] },
        credentials: { pageAccessToken: 't', appSecret: 's', verifyToken: 'v' },
        receivedAt: AT,
      });

    it('reads message_edit as an edit of the message its mid names', () => {
      expect(parse(messengerEdit({ psid: 'P1', pageId: PAGE_ID, mid: 'm_1', text: 'new text', numEdit: 2 }))).toEqual({
        kind: 'changes',
        changes: [{ kind: 'edit', ref: 'm_1', text: 'new text' }],
      });
    });

    it('reads react as replacing the person\'s reaction, and unreact (with or without the emoji) as taking it away', () => {
      const target = { ref: 'm_2', reply: { chatId: 'P1', platformMessageId: 'm_2' }, userId: 'P1' };
      expect(changesOf(parse(messengerReaction({ psid: 'P1', pageId: PAGE_ID, mid: 'm_2', action: 'react', emoji: '❤️', reaction: 'love' })))).toEqual([
        { kind: 'reaction', ...target, emoji: '', added: false },
        { kind: 'reaction', ...target, emoji: '❤️', added: true },
      ]);
      const cleared = [{ kind: 'reaction', ...target, emoji: '', added: false }];
      expect(changesOf(parse(messengerReaction({ psid: 'P1', pageId: PAGE_ID, mid: 'm_2', action: 'unreact' })))).toEqual(cleared);
      expect(changesOf(parse(messengerReaction({ psid: 'P1', pageId: PAGE_ID, mid: 'm_2', action: 'unreact', emoji: '❤️' })))).toEqual(cleared);
    });

    it('keeps a reaction batched with a message: the message is accepted and the reaction applied', () => {
      const outcome = parse(
        { sender: { id: 'P1' }, recipient: { id: PAGE_ID }, timestamp: 1, message: { mid: 'm_3', text: 'hello' } },
        messengerReaction({ psid: 'P1', pageId: PAGE_ID, mid: 'm_2', action: 'unreact' }),
      );
      expect(outcome.kind).toBe('messages');
      expect(outcome.kind === 'messages' && outcome.messages.map((m) => m.text)).toEqual(['hello']);
      expect(changesOf(outcome)).toHaveLength(1);
    });
  });

  describe('WhatsApp', () => {
    const credentials = { accessToken: 't', phoneNumberId: '1055', appSecret: 's', verifyToken: 'v' };
    const parse = (messages: unknown[], phoneNumberId = '1055') =>
      whatsapp.parseWebhook({
        botId: 'b',
        request: REQUEST,
        body: {
          object: 'whatsapp_business_account',
          entry: [{ id: 'W1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1555', phone_number_id: phoneNumberId }, messages } }] }],
        },
        credentials,
        receivedAt: AT,
      });
    const target = { ref: 'wamid.OURS', reply: { chatId: '16505551234', platformMessageId: 'wamid.OURS' }, userId: '16505551234' };

    it('reads a reaction as replacing the person\'s one reaction, and one without an emoji as taking it away', () => {
      expect(changesOf(parse([whatsappReaction({ from: '16505551234', id: 'wamid.R1', messageId: 'wamid.OURS', emoji: '👍' })]))).toEqual([
        { kind: 'reaction', ...target, emoji: '', added: false },
        { kind: 'reaction', ...target, emoji: '👍', added: true },
      ]);
      expect(changesOf(parse([whatsappReaction({ from: '16505551234', id: 'wamid.R2', messageId: 'wamid.OURS' })]))).toEqual([
        { kind: 'reaction', ...target, emoji: '', added: false },
      ]);
    });

    it('ignores a reaction on another number of the account', () => {
      expect(parse([whatsappReaction({ from: '16505551234', id: 'wamid.R3', messageId: 'wamid.OURS', emoji: '👍' })], '9999').kind).toBe('ignored');
    });
  });

  it('stores what a new message\'s text could hold: no NUL, no lone surrogate', () => {
    expect(normaliseChange({ kind: 'edit', ref: 'm\u0000_1', text: 'new\u0000 text \uD800' })).toEqual({ kind: 'edit', ref: 'm_1', text: 'new text \uFFFD' });
  });
});
