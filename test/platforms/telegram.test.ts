import { ApplicationFailure } from '@temporalio/common';
import { telegram, TelegramCredentialsSchema, verifyTelegramSecret } from '../../src/platforms/telegram';
import { parseTelegramUpdate } from '../../src/platforms/telegram-update';
import { type FakeTelegram, startFakeTelegram, telegramAnswers, telegramEditedMessage, telegramReaction } from '../fakes/fake-telegram';
import { telegramHeaders } from '../fakes/webhook-signers';
import { modelImages, modelInputs } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { TEST_ADMIN_KEY } from '../support/test-stack';
import { startTelegramTestStack } from '../support/telegram-test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const BOT_TOKEN = '123456789:AAFakeTelegramToken_for-tests';
const SECRET = 'telegram-secret_token-42';

// Payloads follow the update examples in Telegram's webhook guide (core.telegram.org/bots/webhooks).
const person = (id: number) => ({ id, is_bot: false, first_name: 'Test Firstname', last_name: 'Test Lastname', username: 'Testusername' });
const privateChat = (id: number) => ({ id, type: 'private', first_name: 'Test Firstname', last_name: 'Test Lastname', username: 'Testusername' });
const supergroup = (id: number) => ({ id, type: 'supergroup', title: 'Test group' });

let nextUpdateId = 10_000;
let nextChatId = 1_111_111;

function textUpdate(chatId: number, text: string, extra: Record<string, unknown> = {}) {
  return {
    update_id: nextUpdateId++,
    message: { message_id: 1365, date: 1441645532, chat: privateChat(chatId), from: person(chatId), text, ...extra },
  };
}

describe('Telegram', () => {
  let stack: TestStack;
  let fake: FakeTelegram;

  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, fake, close } = await startTelegramTestStack({ botToken: BOT_TOKEN, secretToken: SECRET }));
  });
  afterAll(() => close?.());
  beforeEach(() => {
    fake.reset();
    stack.fakeOpenAI.reset();
  });

  const webhookPath = (botId = stack.botId) => `/webhooks/telegram/${botId}`;

  async function post(body: unknown, headers: Record<string, string> = telegramHeaders(SECRET), botId?: string) {
    const response = await fetch(`${stack.baseUrl}${webhookPath(botId)}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  const newChat = () => nextChatId++;
  const waitForSends = (chatId: number | string, count: number, timeoutMs = 20_000) =>
    waitFor(`${count} sends to ${chatId}`, () => fake.sends(String(chatId)).length >= count && fake.sends(String(chatId)), { timeoutMs });

  async function storedMessages(chatId: number | string) {
    return stack.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.direction', 'messages.text', 'messages.status', 'messages.platform_message_id', 'messages.user_id', 'messages.attachments'])
      .where('conversations.bot_id', '=', stack.botId)
      .where('conversations.platform', '=', 'telegram')
      .where('conversations.chat_id', '=', String(chatId))
      .orderBy('messages.seq')
      .execute();
  }

  const gapsBetween = (times: number[]) => times.slice(1).map((at, i) => at - times[i]!);

  describe('inbound', () => {
    it('answers a private text message through sendMessage, as HTML to the same chat', async () => {
      const chatId = newChat();
      const update = textUpdate(chatId, 'hello bot');
      expect(await post(update)).toEqual({ status: 200, body: { ok: true } });

      const [send] = await waitForSends(chatId, 1);
      expect(send!.request).toMatchObject({ method: 'POST', path: `/bot${BOT_TOKEN}/sendMessage` });
      expect(send!.request.headers['content-type']).toBe('application/json');
      expect(send!.request.headers.authorization).toBeUndefined();
      expect(send!.request.body).toEqual({ chat_id: String(chatId), text: 'echo: hello bot', parse_mode: 'HTML' });
      expect(modelInputs(stack)).toEqual(['hello bot']);

      await waitFor('the reply stored', async () => (await storedMessages(chatId)).length === 2);
      expect(await storedMessages(chatId)).toEqual([
        expect.objectContaining({ direction: 'inbound', text: 'hello bot', platform_message_id: String(update.update_id), user_id: String(chatId) }),
        expect.objectContaining({ direction: 'outbound', text: 'echo: hello bot', status: 'sent' }),
      ]);
    });

    it("shows operators the person's name as Telegram gives it, on the message and the conversation, never to the model", async () => {
      const chatId = newChat();
      expect((await post(textUpdate(chatId, 'who am I?'))).status).toBe(200);
      await waitForSends(chatId, 1);
      const { id } = await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', String(chatId)).executeTakeFirstOrThrow();
      expect((await requestJson(stack.baseUrl, `/v1/conversations/${id}`)).body.data).toMatchObject({ chatId: String(chatId), personName: 'Test Firstname Test Lastname' });
      const messages = (await requestJson(stack.baseUrl, `/v1/conversations/${id}/messages`)).body.data;
      expect(messages.map((m: { author: string; userName: string | null }) => [m.author, m.userName])).toEqual([
        ['user', 'Test Firstname Test Lastname'],
        ['bot', null],
      ]);
      expect(JSON.stringify(stack.fakeOpenAI.chatCalls())).not.toContain('Test Firstname');
    });

    it('answers in a group under its negative chat id, and inside the forum topic it was asked in', async () => {
      const groupId = -1001234567890;
      const inGroup = { update_id: nextUpdateId++, message: { message_id: 77, date: 1441645532, chat: supergroup(groupId), from: person(4242), text: 'hi all' } };
      expect((await post(inGroup)).status).toBe(200);
      const [groupReply] = await waitForSends(groupId, 1);
      // In a group, the reply quotes the message it answers.
      expect(groupReply!.request.body).toEqual({
        chat_id: '-1001234567890',
        text: 'echo: hi all',
        parse_mode: 'HTML',
        reply_parameters: { message_id: 77, allow_sending_without_reply: true },
      });

      const forumId = -1009876543210;
      const inTopic = {
        update_id: nextUpdateId++,
        message: { message_id: 78, message_thread_id: 7, is_topic_message: true, date: 1441645532, chat: { ...supergroup(forumId), is_forum: true }, from: person(4242), text: 'in a topic' },
      };
      expect((await post(inTopic)).status).toBe(200);
      const [topicReply] = await waitForSends(forumId, 1);
      expect(topicReply!.request.body).toMatchObject({ chat_id: '-1009876543210', message_thread_id: 7, text: 'echo: in a topic' });

      // The forum topic is a conversation of its own, keyed by the chat and the topic.
      const conversations = await stack.db.selectFrom('conversations').select('chat_id').where('platform', '=', 'telegram').execute();
      expect(conversations.map((c) => c.chat_id)).toEqual(expect.arrayContaining(['-1001234567890', '-1009876543210/7']));
    });

    it('never merges two people of one group into a turn, even inside the debounce window: each gets their own answer, quoting them', async () => {
      const groupId = -1005550001111;
      await stack.db.updateTable('bots').set({ debounce_ms: 1_500 }).where('id', '=', stack.botId).execute();
      try {
        const message = (messageId: number, from: number, text: string) => ({
          update_id: nextUpdateId++,
          message: { message_id: messageId, date: 1441645532, chat: supergroup(groupId), from: person(from), text },
        });
        expect((await post(message(501, 1001, 'Alice: what time do you open?'))).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect((await post(message(502, 1002, 'Bob: do you ship to Norway?'))).status).toBe(200);

        const replies = await waitForSends(groupId, 2);
        expect(replies.map((r) => [r.text, r.request.body.reply_parameters?.message_id])).toEqual([
          ['echo: Alice: what time do you open?', 501],
          ['echo: Bob: do you ship to Norway?', 502],
        ]);
        expect(modelInputs(stack)).toEqual(['Alice: what time do you open?', 'Bob: do you ship to Norway?']);
      } finally {
        await stack.db.updateTable('bots').set({ debounce_ms: 0 }).where('id', '=', stack.botId).execute();
      }
    });

    it('still merges one person\'s quick messages into one turn', async () => {
      const chatId = newChat();
      await stack.db.updateTable('bots').set({ debounce_ms: 1_000 }).where('id', '=', stack.botId).execute();
      try {
        expect((await post(textUpdate(chatId, 'one'))).status).toBe(200);
        expect((await post(textUpdate(chatId, 'two'))).status).toBe(200);
        const [reply] = await waitForSends(chatId, 1);
        expect(reply!.text).toBe('echo: one\ntwo');
      } finally {
        await stack.db.updateTable('bots').set({ debounce_ms: 0 }).where('id', '=', stack.botId).execute();
      }
    });

    it('reads a photo with a caption: the caption is the text, the largest size is the attachment', async () => {
      const chatId = newChat();
      const photo = [
        { file_id: 'AgACAgQAAxkBAAIBsmall', file_unique_id: 'AQADs', file_size: 1200, width: 90, height: 67 },
        { file_id: 'AgACAgQAAxkBAAIBmedium', file_unique_id: 'AQADm', file_size: 18000, width: 320, height: 240 },
        { file_id: 'AgACAgQAAxkBAAIBlarge', file_unique_id: 'AQADl', file_size: 95000, width: 1280, height: 960 },
      ];
      const update = { update_id: nextUpdateId++, message: { message_id: 1366, date: 1441645532, chat: privateChat(chatId), from: person(chatId), photo, caption: 'What is this?' } };
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      fake.addFile('AgACAgQAAxkBAAIBlarge', { bytes: png });
      expect((await post(update)).status).toBe(200);

      const [send] = await waitForSends(chatId, 1);
      expect(send!.text).toBe('echo: What is this?\n[photo]');
      // The model (gpt-4o-mini sees images) is shown the largest size, fetched through getFile.
      expect(modelInputs(stack)).toEqual(['What is this?\n[photo]']);
      expect(modelImages(stack)).toEqual([[`data:image/jpeg;base64,${png.toString('base64')}`]]);
      expect(fake.getFileCalls().map((r) => r.body)).toEqual([{ file_id: 'AgACAgQAAxkBAAIBlarge' }]);
      const [inbound] = await storedMessages(chatId);
      expect(inbound).toMatchObject({ text: 'What is this?', attachments: [{ kind: 'image', ref: 'AgACAgQAAxkBAAIBlarge' }] });
      const kept = await stack.db.selectFrom('media').select(['kind', 'mime_type', 'size_bytes', 'bytes']).where('platform_message_id', '=', String(update.update_id)).execute();
      expect(kept).toEqual([{ kind: 'image', mime_type: 'image/jpeg', size_bytes: png.length, bytes: png }]);
    });

    describe('edits and reactions', () => {
      it('keeps an edit\'s old text, stores reactions on the message and on the bot\'s reply as they come and go, and answers none', async () => {
        const chatId = newChat();
        const original = textUpdate(chatId, 'I want the blue one', { message_id: 4100 });
        expect((await post(original)).status).toBe(200);
        await waitForSends(chatId, 1);

        const edit = (messageId: number) => telegramEditedMessage({ updateId: nextUpdateId++, chatId, messageId, text: 'I want the red one' });
        expect(await post(edit(4100))).toEqual({ status: 200, body: { ok: true } });
        const react = (messageId: number, before: string[], after: string[]) => post(telegramReaction({ updateId: nextUpdateId++, chatId, messageId, before, after }));
        expect((await react(4100, [], ['👍', '🔥'])).status).toBe(200);
        expect((await react(4100, ['👍', '🔥'], ['🔥'])).status).toBe(200);
        // A change to a message the bot never stored is acknowledged and ignored.
        expect((await post(edit(9999))).status).toBe(200);
        expect((await react(9999, [], ['👍'])).status).toBe(200);

        const row = await stack.db.selectFrom('messages').select(['text', 'previous_texts', 'edited_at', 'reactions']).where('platform_message_id', '=', String(original.update_id)).executeTakeFirstOrThrow();
        expect(row).toMatchObject({ text: 'I want the red one', previous_texts: [{ text: 'I want the blue one' }], reactions: [{ userId: String(chatId), emoji: '🔥' }] });
        expect(row.edited_at).not.toBeNull();

        // A reaction to the bot's reply, by the message_id sendMessage returned, is kept on the reply; taking it back removes it.
        const reply = await waitFor('the reply stored with its message_id', async () => {
          const found = await stack.db.selectFrom('messages').innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
            .select(['messages.id', 'messages.delivery_ids']).where('conversations.chat_id', '=', String(chatId)).where('messages.direction', '=', 'outbound').executeTakeFirst();
          return found && found.delivery_ids.length > 0 && found;
        });
        const replyReactions = async () => (await stack.db.selectFrom('messages').select('reactions').where('id', '=', reply.id).executeTakeFirstOrThrow()).reactions;
        expect((await react(Number(reply.delivery_ids[0]), [], ['👍'])).status).toBe(200);
        expect(await replyReactions()).toEqual([{ userId: String(chatId), emoji: '👍' }]);
        expect((await react(Number(reply.delivery_ids[0]), ['👍'], [])).status).toBe(200);
        expect(await replyReactions()).toEqual([]);

        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(fake.sends(String(chatId))).toHaveLength(1);
        expect(modelInputs(stack)).toEqual(['I want the blue one']);
      });
    });

    describe('buttons', () => {
      it('offers the model\'s choices as an inline keyboard, answers a press once, and ignores a second press and a press on no message of ours', async () => {
        expect((await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body: { offerChoices: true } })).status).toBe(200);
        try {
          const chatId = newChat();
          stack.fakeOpenAI.enqueue({ kind: 'tool-calls', calls: [{ name: 'offer_choices', arguments: { text: 'What do you need?', choices: [{ id: 'track', title: 'Track my order' }, { id: 'refund', title: 'Get a refund' }] } }] });
          expect((await post(textUpdate(chatId, 'help'))).status).toBe(200);
          const [offer] = await waitForSends(chatId, 1);
          expect(offer!.request.body).toMatchObject({
            text: 'What do you need?',
            reply_markup: { inline_keyboard: [[{ text: 'Track my order', callback_data: 'track' }], [{ text: 'Get a refund', callback_data: 'refund' }]] },
          });
          // The model was offered the built-in tool.
          expect(stack.fakeOpenAI.chatCalls()[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('offer_choices');

          // The reply is stored once Telegram took it: a moment after the fake saw the send.
          expect(offer!.request.status).toBe(200);
          const offered = await waitFor('the offer stored', () =>
            stack.db.selectFrom('messages').select('delivery_ids').where('direction', '=', 'outbound').where('text', '=', 'What do you need?').executeTakeFirst(),
          );
          const ourMessageId = Number(offered.delivery_ids[0]);
          const press = (id: string, messageId: number) => ({
            update_id: nextUpdateId++,
            callback_query: {
              id: `cb-${id}-${messageId}-${nextUpdateId}`,
              from: person(chatId),
              chat_instance: '42',
              data: id,
              message: { message_id: messageId, date: 1441645532, chat: privateChat(chatId), text: 'What do you need?', reply_markup: offer!.request.body.reply_markup },
            },
          });
          const first = press('track', ourMessageId);
          expect((await post(first)).status).toBe(200);
          const replies = await waitForSends(chatId, 2);
          expect(replies[1]!.text).toBe('echo: Track my order (choice: track)');
          await waitFor('the press acknowledged', () => fake.answeredCallbacks().includes(first.callback_query.id));

          const again = press('track', ourMessageId);
          const stranger = press('refund', 987654);
          expect((await post(again)).status).toBe(200);
          expect((await post(stranger)).status).toBe(200);
          await waitFor('both acknowledged', () => fake.answeredCallbacks().includes(again.callback_query.id) && fake.answeredCallbacks().includes(stranger.callback_query.id));
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          expect(fake.sends(String(chatId))).toHaveLength(2);
          const [row] = await stack.db.selectFrom('messages').select(['text', 'payload']).where('platform_message_id', '=', `press:${chatId}:${ourMessageId}:track`).execute();
          expect(row).toEqual({ text: 'Track my order', payload: 'track' });
        } finally {
          await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body: { offerChoices: false } });
        }
      });
    });

    describe('formatting', () => {
      it("sends the model's markdown as Telegram HTML, escaped, and as plain text once when Telegram refuses the markup", async () => {
        const chatId = newChat();
        stack.fakeOpenAI.enqueue({ kind: 'reply', text: 'Your order ships **tomorrow** & costs <5 €. Track it [here](https://t.example.com/?a=1&b=2).' });
        expect((await post(textUpdate(chatId, 'when does it ship?'))).status).toBe(200);
        const [html] = await waitForSends(chatId, 1);
        expect(html!.request.body).toMatchObject({
          parse_mode: 'HTML',
          text: 'Your order ships <b>tomorrow</b> &amp; costs &lt;5 €. Track it <a href="https://t.example.com/?a=1&amp;b=2">here</a>.',
        });

        // Telegram refuses the markup (as it does for entities it cannot parse): the part goes again, plain, and only once.
        fake.enqueue({ status: 400, json: { ok: false, error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag at byte offset 7" } });
        stack.fakeOpenAI.enqueue({ kind: 'reply', text: 'It is **on its way**.' });
        expect((await post(textUpdate(chatId, 'and now?'))).status).toBe(200);
        const sends = await waitForSends(chatId, 2);
        expect(sends[1]!.request.body).toEqual({ chat_id: String(chatId), text: 'It is on its way.' });
        expect(fake.sendAttempts(String(chatId)).map((r) => r.status)).toEqual([200, 400, 200]);
      });
    });

    describe('media out', () => {
      it("sends an operator's image with sendPhoto and a document Telegram cannot fetch as its link, after the text, each once", async () => {
        const chatId = newChat();
        expect((await post(textUpdate(chatId, 'can you send the manual?'))).status).toBe(200);
        await waitForSends(chatId, 1);
        const conversation = await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', String(chatId)).executeTakeFirstOrThrow();
        expect((await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/handoff`, { body: {} })).status).toBe(200);

        const body = {
          text: 'Here is the diagram and the manual.',
          attachments: [
            { kind: 'image', url: 'https://cdn.example.com/diagram.png', name: 'diagram.png' },
            { kind: 'file', url: 'https://unreachable.example.com/manual.pdf', name: 'manual.pdf' },
          ],
          messageId: 'op-files-1',
        };
        expect((await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/messages`, { body })).status).toBe(202);
        const sends = await waitForSends(chatId, 3);
        expect(sends.slice(1).map((s) => s.text)).toEqual(['Here is the diagram and the manual.', 'manual.pdf: https://unreachable.example.com/manual.pdf']);
        expect(fake.fileSends().map((r) => [r.path.split('/').at(-1), r.body.photo ?? r.body.document, r.status])).toEqual([
          ['sendPhoto', 'https://cdn.example.com/diagram.png', 200],
          ['sendDocument', 'https://unreachable.example.com/manual.pdf', 400],
        ]);
        // A retry of the same message sends nothing again.
        expect((await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/messages`, { body })).status).toBe(202);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(fake.sends(String(chatId))).toHaveLength(3);
        expect(fake.fileSends()).toHaveLength(2);

        const bad = await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/messages`, { body: { attachments: [{ kind: 'image', url: 'http://plain.example.com/x.png' }] } });
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(/https/);
      });
    });

    describe('media', () => {
      const voice = (chatId: number, fileId: string) => ({
        update_id: nextUpdateId++,
        message: { message_id: 1400, date: 1441645532, chat: privateChat(chatId), from: person(chatId), voice: { file_id: fileId, file_unique_id: `u${fileId}`, duration: 2, mime_type: 'audio/ogg', file_size: 30 } },
      });

      it('hears a voice note: transcribed with the bot\'s model, answered as its words, the transcript kept as the text', async () => {
        const chatId = newChat();
        fake.addFile('AwACAgQAAxkBvoice1', { bytes: Buffer.from('What time do you open on Sunday?') });
        const update = voice(chatId, 'AwACAgQAAxkBvoice1');
        expect((await post(update)).status).toBe(200);

        const [send] = await waitForSends(chatId, 1);
        expect(send!.text).toBe('echo: What time do you open on Sunday?');
        expect(modelInputs(stack)).toEqual(['What time do you open on Sunday?']);
        expect(stack.fakeOpenAI.transcriptionCalls().map((c) => c.body)).toEqual([{ model: 'whisper-1', fileName: 'voice.ogg', size: 32, type: 'audio/ogg' }]);
        const [inbound] = await storedMessages(chatId);
        expect(inbound!.text).toBe('What time do you open on Sunday?');
        const [kept] = await stack.db.selectFrom('media').select(['transcript', 'transcribed_by']).where('platform_message_id', '=', String(update.update_id)).execute();
        expect(kept).toEqual({ transcript: 'What time do you open on Sunday?', transcribed_by: 'whisper-1' });

        // Operators read the attachment in the messages API, and download it with their key.
        const conversation = await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', String(chatId)).executeTakeFirstOrThrow();
        const messages = await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/messages`);
        const [attachment] = messages.body.data[0].attachments;
        expect(attachment).toEqual({ kind: 'audio', ref: 'AwACAgQAAxkBvoice1', mimeType: 'audio/ogg', url: expect.stringMatching(/^\/v1\/media\/[0-9a-f-]{36}$/), sizeBytes: 32, transcript: 'What time do you open on Sunday?' });
        const file = await fetch(`${stack.baseUrl}${attachment.url}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
        expect([file.status, file.headers.get('content-type'), file.headers.get('x-content-type-options')]).toEqual([200, 'audio/ogg', 'nosniff']);
        expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('What time do you open on Sunday?');
        expect((await fetch(`${stack.baseUrl}${attachment.url}`)).status).toBe(401);
        expect((await requestJson(stack.baseUrl, '/v1/media/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      });

      it('says honestly that it cannot listen when transcription keeps failing, and goes on with the next message', async () => {
        const chatId = newChat();
        stack.fakeOpenAI.setTranscription('server-error');
        fake.addFile('AwACAgQAAxkBvoice2', { bytes: Buffer.from('inaudible') });
        expect((await post(voice(chatId, 'AwACAgQAAxkBvoice2'))).status).toBe(200);
        const [notice] = await waitForSends(chatId, 1);
        expect(notice!.text).toBe("I can't listen to voice messages here. Could you type your message instead?");
        expect(stack.fakeOpenAI.transcriptionCalls()).toHaveLength(3);
        expect(stack.fakeOpenAI.chatCalls()).toEqual([]);

        expect((await post(textUpdate(chatId, 'ok, typing it'))).status).toBe(200);
        const replies = await waitForSends(chatId, 2);
        expect(replies[1]!.text).toBe('echo: ok, typing it');
      });

      it('tells the person a file is too large, without downloading it', async () => {
        const chatId = newChat();
        fake.addFile('BQACAgQAAxkBbig', { bytes: Buffer.from('%PDF-1.7'), size: 64 * 1024 * 1024 });
        const update = {
          update_id: nextUpdateId++,
          message: { message_id: 1401, date: 1441645532, chat: privateChat(chatId), from: person(chatId), document: { file_id: 'BQACAgQAAxkBbig', file_unique_id: 'ubig', file_name: 'scan.pdf', mime_type: 'application/pdf' } },
        };
        expect((await post(update)).status).toBe(200);
        const [notice] = await waitForSends(chatId, 1);
        expect(notice!.text).toBe('That file is too large for me to open. Could you send a smaller one, or tell me in words?');
        expect(fake.requests.filter((r) => r.path.startsWith('/file/'))).toEqual([]);
        expect(await stack.db.selectFrom('media').select('id').where('platform_message_id', '=', String(update.update_id)).execute()).toEqual([]);
      });

      it('refuses a file type it does not take, and reads a shared contact and a venue as text', async () => {
        const chatId = newChat();
        const exe = {
          update_id: nextUpdateId++,
          message: { message_id: 1402, date: 1441645532, chat: privateChat(chatId), from: person(chatId), document: { file_id: 'BQACAgQAAxkBexe', file_unique_id: 'uexe', file_name: 'setup.exe', mime_type: 'application/x-msdownload' } },
        };
        expect((await post(exe)).status).toBe(200);
        const [notice] = await waitForSends(chatId, 1);
        expect(notice!.text).toMatch(/^I can't accept that kind of file/);

        const contact = { update_id: nextUpdateId++, message: { message_id: 1403, date: 1441645532, chat: privateChat(chatId), from: person(chatId), contact: { phone_number: '+4712345678', first_name: 'Ada', last_name: 'Lovelace' } } };
        expect((await post(contact)).status).toBe(200);
        // One at a time: queued together, one person's messages would be one turn.
        await waitForSends(chatId, 2);
        const venue = {
          update_id: nextUpdateId++,
          message: {
            message_id: 1404,
            date: 1441645532,
            chat: privateChat(chatId),
            from: person(chatId),
            location: { latitude: 59.911, longitude: 10.7502 },
            venue: { location: { latitude: 59.911, longitude: 10.7502 }, title: 'Oslo S', address: 'Jernbanetorget 1' },
          },
        };
        expect((await post(venue)).status).toBe(200);
        await waitForSends(chatId, 3);
        expect(modelInputs(stack)).toEqual(['Contact: Ada Lovelace, +4712345678', 'Location: Oslo S, Jernbanetorget 1 (59.91100, 10.75020)']);
      });
    });

    it('has no handshake: a GET is not a webhook', async () => {
      const response = await fetch(`${stack.baseUrl}${webhookPath()}`);
      expect(response.status).toBe(404);
    });

    it.each<[string, Record<string, string>]>([
      ['a missing secret header', { 'content-type': 'application/json' }],
      ['a wrong secret', telegramHeaders('telegram-secret_token-43')],
      ['a secret of another length', telegramHeaders('short')],
      ['the secret in another case', telegramHeaders(SECRET.toUpperCase())],
      ['an empty secret', telegramHeaders('')],
    ])('refuses %s with 401 and keeps nothing', async (_, headers) => {
      const chatId = newChat();
      const response = await post(textUpdate(chatId, 'let me in'), headers);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
      // Not even a truncated body gets past the secret: nothing is read before it checks out.
      expect((await post('{"update_id": 1, "mess', headers)).status).toBe(401);

      expect(await storedMessages(chatId)).toEqual([]);
      expect(fake.requests).toEqual([]);
      expect(stack.fakeOpenAI.chatCalls()).toEqual([]);
    });

    it('answers bad bodies with a clear 4xx and keeps nothing', async () => {
      const chatId = newChat();
      const valid = JSON.stringify(textUpdate(chatId, 'hello'));

      const truncated = await post(valid.slice(0, valid.length - 10));
      expect([truncated.status, truncated.body.error.code]).toEqual([400, 'invalid_json']);
      const wrongType = await post(valid, { ...telegramHeaders(SECRET), 'content-type': 'text/plain' });
      expect([wrongType.status, wrongType.body.error.code]).toEqual([415, 'unsupported_media_type']);
      const oversized = await post(textUpdate(chatId, 'x'.repeat(70 * 1024)));
      expect([oversized.status, oversized.body.error.code]).toEqual([413, 'payload_too_large']);
      const unknownBot = await post(valid, telegramHeaders(SECRET), 'no-such-bot');
      expect(unknownBot.status).toBe(404);
      // JSON from Telegram's secret holder that is no Update: 200, so Telegram does not retry it forever.
      expect(await post({ hello: 'world' })).toEqual({ status: 200, body: { ok: true } });

      expect(await storedMessages(chatId)).toEqual([]);
      expect(fake.requests).toEqual([]);
      expect(stack.fakeOpenAI.chatCalls()).toEqual([]);
    });

    it('accepts and ignores updates that are not new messages from a person', async () => {
      const chatId = newChat();
      const chat = privateChat(chatId);
      const from = person(chatId);
      const message = { message_id: 1365, date: 1441645532, chat, from, text: 'original' };
      const channel = { id: -1001000000001, type: 'channel', title: 'Test channel' };
      const ignored: Array<Record<string, unknown>> = [
        { edited_message: { ...message, text: 'Edited text', edit_date: 1441646600 } },
        { channel_post: { message_id: 5, date: 1441645532, chat: channel, sender_chat: channel, text: 'news' } },
        { edited_channel_post: { message_id: 5, date: 1441645532, edit_date: 1441646600, chat: channel, sender_chat: channel, text: 'news!' } },
        { callback_query: { id: '4382bfdwdsb323b2d9', from, data: 'Data from button callback', inline_message_id: '1234csdbsk4839' } },
        { inline_query: { id: '134567890097', from, query: 'inline query', offset: '' } },
        {
          my_chat_member: {
            chat,
            from,
            date: 1441645532,
            old_chat_member: { status: 'member', user: { id: 123456789, is_bot: true, first_name: 'Bot' } },
            new_chat_member: { status: 'kicked', until_date: 0, user: { id: 123456789, is_bot: true, first_name: 'Bot' } },
          },
        },
        { message_reaction: { chat, message_id: 1365, user: from, date: 1441645532, old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }] } },
        { message: { ...message, from: { id: 987654321, is_bot: true, first_name: 'Other bot' }, text: 'beep' } },
        { message: { ...message, text: undefined, new_chat_members: [person(555)] } },
        { message: { ...message, from: { id: 777000, is_bot: false, first_name: 'Telegram' }, is_automatic_forward: true, text: 'news' } },
      ];
      for (const body of ignored) {
        expect(await post({ update_id: nextUpdateId++, ...body })).toEqual({ status: 200, body: { ok: true } });
      }

      // A real message after them: once it is answered, anything the others set off would show.
      expect((await post(textUpdate(chatId, 'a real one'))).status).toBe(200);
      await waitForSends(chatId, 1);
      expect(modelInputs(stack)).toEqual(['a real one']);
      expect(fake.sendAttempts()).toHaveLength(1);
      await waitFor('the reply stored', async () => (await storedMessages(chatId)).length >= 2);
      expect((await storedMessages(chatId)).map((m) => m.text)).toEqual(['a real one', 'echo: a real one']);
    });

    it('answers an update delivered three times once', async () => {
      const chatId = newChat();
      const update = textUpdate(chatId, 'only once');
      const concurrent = await Promise.all([post(update), post(update)]);
      expect(concurrent.map((r) => r.status)).toEqual([200, 200]);
      await waitForSends(chatId, 1);
      expect((await post(update)).status).toBe(200);

      // The next message is answered in order, after anything the duplicates could have caused.
      expect((await post(textUpdate(chatId, 'and this'))).status).toBe(200);
      const sends = await waitForSends(chatId, 2);
      expect(sends.map((s) => s.text)).toEqual(['echo: only once', 'echo: and this']);
      expect(modelInputs(stack)).toEqual(['only once', 'and this']);
      expect((await storedMessages(chatId)).filter((m) => m.direction === 'inbound')).toHaveLength(2);
    });
  });

  describe('outbound', () => {
    it('sends a long reply as ten ordered parts within 4096 characters, about one a second', async () => {
      const chatId = newChat();
      const paragraphs = Array.from({ length: 10 }, (_, i) => `Part ${i + 1}. ${'All work and no play. '.repeat(180).trim()}`);
      stack.fakeOpenAI.enqueue({ kind: 'reply', text: paragraphs.join('\n\n') });
      expect((await post(textUpdate(chatId, 'tell me everything'))).status).toBe(200);

      const sends = await waitForSends(chatId, 10, 30_000);
      expect(sends.map((s) => s.text)).toEqual(paragraphs);
      for (const send of sends) expect([...send.text].length).toBeLessThanOrEqual(4096);
      // PLATFORM_RULES.telegram.minSendIntervalMs: no burst that Telegram would answer with 429.
      for (const gap of gapsBetween(sends.map((s) => s.at))) expect(gap).toBeGreaterThanOrEqual(950);
      expect(fake.sendAttempts(String(chatId))).toHaveLength(10);
    });

    it('keeps about a second between replies to one chat across turns', async () => {
      const chatId = newChat();
      for (const [i, text] of ['one', 'two', 'three'].entries()) {
        expect((await post(textUpdate(chatId, text))).status).toBe(200);
        await waitForSends(chatId, i + 1);
      }
      const sends = fake.sends(String(chatId));
      expect(sends.map((s) => s.text)).toEqual(['echo: one', 'echo: two', 'echo: three']);
      for (const gap of gapsBetween(sends.map((s) => s.at))) expect(gap).toBeGreaterThanOrEqual(950);
    });

    it("waits out a 429 storm for Telegram's retry_after, then delivers once", async () => {
      const chatId = newChat();
      fake.enqueue(telegramAnswers.tooManyRequests(1), telegramAnswers.tooManyRequests(1), telegramAnswers.tooManyRequests(1));
      expect((await post(textUpdate(chatId, 'busy?'))).status).toBe(200);

      await waitForSends(chatId, 1);
      const attempts = fake.sendAttempts(String(chatId));
      expect(attempts.map((a) => a.status)).toEqual([429, 429, 429, 200]);
      for (const gap of gapsBetween(attempts.map((a) => a.at))) expect(gap).toBeGreaterThanOrEqual(950);
      await waitFor('the reply stored as sent', async () => (await storedMessages(chatId)).some((m) => m.status === 'sent'));
    });

    it('retries a 5xx and delivers once', async () => {
      const chatId = newChat();
      fake.enqueue(telegramAnswers.badGateway(), telegramAnswers.serverError());
      expect((await post(textUpdate(chatId, 'flaky?'))).status).toBe(200);
      await waitForSends(chatId, 1);
      expect(fake.sendAttempts(String(chatId)).map((a) => a.status)).toEqual([502, 500, 200]);
    });

    it('stops at a user who blocked the bot, records it, and other chats go on', async () => {
      const blockedChat = newChat();
      fake.enqueue(telegramAnswers.blockedByUser());
      expect((await post(textUpdate(blockedChat, 'bye forever'))).status).toBe(200);

      const conversation = await waitFor('the failure recorded', () =>
        stack.db
          .selectFrom('conversations')
          .select(['last_error'])
          .where('chat_id', '=', String(blockedChat))
          .where('last_error', 'is not', null)
          .executeTakeFirst(),
      );
      expect(conversation.last_error).toMatchObject({ type: 'TelegramBotBlocked', message: expect.stringContaining('bot was blocked by the user') });
      await waitFor('the failed reply stored', async () => (await storedMessages(blockedChat)).some((m) => m.status === 'failed'));

      const otherChat = newChat();
      expect((await post(textUpdate(otherChat, 'still there?'))).status).toBe(200);
      await waitForSends(otherChat, 1);
      expect(fake.sendAttempts(String(blockedChat))).toHaveLength(1);
    });
  });

  describe('typing', () => {
    it('shows "typing" with sendChatAction while the model writes, again every 4 s, and before the reply', async () => {
      stack.fakeOpenAI.enqueue({ kind: 'reply', text: 'thought it over', delayMs: 4_500 });
      const chatId = newChat();
      expect((await post(textUpdate(chatId, 'a hard question'))).status).toBe(200);
      const [send] = await waitForSends(chatId, 1);

      const actions = fake.chatActions(String(chatId));
      expect(actions.map(({ chatId, action, status }) => ({ chatId, action, status }))).toEqual([
        { chatId: String(chatId), action: 'typing', status: 200 },
        { chatId: String(chatId), action: 'typing', status: 200 },
      ]);
      // Telegram shows a chat action for 5 s: each is renewed before it fades, and none follows the reply.
      expect(actions[1]!.at - actions[0]!.at).toBeGreaterThanOrEqual(3_900);
      expect(actions[1]!.at - actions[0]!.at).toBeLessThan(5_000);
      expect(actions.at(-1)!.at).toBeLessThanOrEqual(send!.at);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(fake.chatActions(String(chatId))).toHaveLength(2);
    });

    it('shows it inside the forum topic the question was asked in', async () => {
      const forumId = -1004242424242;
      const inTopic = {
        update_id: nextUpdateId++,
        message: { message_id: 90, message_thread_id: 12, is_topic_message: true, date: 1441645532, chat: { ...supergroup(forumId), is_forum: true }, from: person(4343), text: 'typing here?' },
      };
      expect((await post(inTopic)).status).toBe(200);
      await waitForSends(forumId, 1);
      expect(fake.chatActions(String(forumId))).toEqual([expect.objectContaining({ action: 'typing', messageThreadId: 12 })]);
    });

    it('still answers when sendChatAction fails: the indicator is given up, never the reply', async () => {
      fake.answerChatActions(telegramAnswers.serverError());
      stack.fakeOpenAI.enqueue({ kind: 'reply', text: 'here anyway', delayMs: 4_500 });
      const chatId = newChat();
      expect((await post(textUpdate(chatId, 'are you typing?'))).status).toBe(200);
      const [send] = await waitForSends(chatId, 1);
      expect(send!.text).toBe('here anyway');
      // One failed try, not retried, and no more repeats for this turn.
      expect(fake.chatActions(String(chatId)).map((a) => a.status)).toEqual([500]);
      expect(fake.sendAttempts(String(chatId))).toHaveLength(1);
    });
  });
});

describe('Telegram send mapping', () => {
  let fake: FakeTelegram;
  const credentials = { botToken: BOT_TOKEN, secretToken: SECRET };
  const reply = (chatId = '1111111', replyContext?: Record<string, string>) => ({
    key: { botId: 'b', platform: 'telegram' as const, chatId },
    text: 'hello',
    outboundKey: 'k',
    replyContext,
  });
  const send = (chatId?: string) => telegram.sendMessage({ reply: reply(chatId), credentials, baseUrl: fake.baseUrl });

  beforeAll(async () => {
    fake = await startFakeTelegram({ botToken: BOT_TOKEN });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }

  it("returns Telegram's message id as the receipt", async () => {
    expect(await send()).toEqual({ platformMessageIds: ['1'] });
    expect(await send()).toEqual({ platformMessageIds: ['2'] });
  });

  it("retries a 429 after Telegram's retry_after", async () => {
    fake.enqueue(telegramAnswers.tooManyRequests(3));
    const failure = await failureOf(send());
    expect(failure).toMatchObject({ type: 'TelegramRateLimited', nonRetryable: false, nextRetryDelay: 3000 });
  });

  it.each([
    ['a user who blocked the bot', telegramAnswers.blockedByUser(), 'TelegramBotBlocked'],
    ['a deactivated user', telegramAnswers.userDeactivated(), 'TelegramBotBlocked'],
    ['a bot kicked from the group', telegramAnswers.kickedFromGroup(), 'TelegramBotBlocked'],
    ['a chat that is gone', telegramAnswers.chatNotFound(), 'TelegramChatNotFound'],
    ['a revoked token', telegramAnswers.unauthorized(), 'TelegramUnauthorized'],
    ['a token that names no bot', telegramAnswers.notFound(), 'TelegramUnauthorized'],
  ])('stops for good at %s', async (_, answer, type) => {
    fake.enqueue(answer);
    expect(await failureOf(send())).toMatchObject({ type, nonRetryable: true });
  });

  it('stops at a wrong token, which goes in the path and nowhere else', async () => {
    const failure = await failureOf(
      telegram.sendMessage({ reply: reply(), credentials: { ...credentials, botToken: '42:wrong' }, baseUrl: fake.baseUrl }),
    );
    expect(failure).toMatchObject({ type: 'TelegramUnauthorized', nonRetryable: true });
    expect(fake.requests[0]!.path).toBe('/bot42:wrong/sendMessage');
    // The failure ends up in conversations.last_error, which admins read: no token in it.
    expect(failure.message).not.toContain('42:wrong');
  });

  it('lets Temporal retry 5xx answers and answers that are not JSON', async () => {
    for (const answer of [telegramAnswers.serverError(), telegramAnswers.badGateway()]) {
      fake.enqueue(answer);
      const error = await send().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ApplicationFailure);
    }
  });

  it('follows a group that became a supergroup, once', async () => {
    fake.enqueue(telegramAnswers.migratedToSupergroup(-1001111111111));
    expect(await send('-2222222')).toEqual({ platformMessageIds: ['1'] });
    expect(fake.requests.map((r) => r.body.chat_id)).toEqual(['-2222222', '-1001111111111']);

    fake.reset();
    fake.enqueue(telegramAnswers.migratedToSupergroup(-1001111111111), telegramAnswers.migratedToSupergroup(-1003333333333));
    expect(await failureOf(send('-2222222'))).toMatchObject({ type: 'TelegramBadRequest', nonRetryable: true });
    expect(fake.requests).toHaveLength(2);
  });
});

describe('Telegram webhook reading', () => {
  const base = { message_id: 1365, date: 1441645532, chat: { id: 1111111, type: 'private' }, from: { id: 1111111, is_bot: false, first_name: 'Test' } };
  const read = (message: Record<string, unknown>) => parseTelegramUpdate('bot', { update_id: 10000, message: { ...base, ...message } }, '2026-01-01T00:00:00.000Z');

  it.each<[string, Record<string, unknown>, unknown[]]>([
    ['a voice message', { voice: { file_id: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX', duration: 5, mime_type: 'audio/ogg', file_size: 23000 } }, [{ kind: 'audio', ref: 'AwADBAADbXXXXXXXXXXXGBdhD2l6_XX', mimeType: 'audio/ogg' }]],
    ['a document', { document: { file_id: 'BQADBAADdoc', file_name: 'Testfile.pdf', mime_type: 'application/pdf', file_size: 536392 } }, [{ kind: 'file', ref: 'BQADBAADdoc', mimeType: 'application/pdf', name: 'Testfile.pdf' }]],
    ['a video', { video: { file_id: 'BAADBAADvid', file_unique_id: 'u', width: 640, height: 360, duration: 3, mime_type: 'video/mp4' } }, [{ kind: 'video', ref: 'BAADBAADvid', mimeType: 'video/mp4' }]],
    ['a GIF (animation and document at once)', { animation: { file_id: 'CgADgif', file_unique_id: 'u', width: 1, height: 1, duration: 1, mime_type: 'video/mp4' }, document: { file_id: 'CgADgif', mime_type: 'video/mp4' } }, [{ kind: 'video', ref: 'CgADgif', mimeType: 'video/mp4' }]],
    ['a sticker', { sticker: { file_id: 'CAACAgsticker', file_unique_id: 'u', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }, [{ kind: 'sticker', ref: 'CAACAgsticker' }]],
    ['a location', { location: { latitude: 52.52, longitude: 13.405 } }, [{ kind: 'location', ref: 'geo:52.52,13.405', text: 'Location: 52.52000, 13.40500' }]],
  ])('reads %s as attachment metadata', (_, message, attachments) => {
    expect(read(message)).toEqual({
      kind: 'messages',
      messages: [
        { botId: 'bot', platform: 'telegram', chatId: '1111111', userId: '1111111', userName: 'Test', messageId: '10000', nativeId: '1111111:1365', text: '', attachments, receivedAt: '2026-01-01T00:00:00.000Z' },
      ],
    });
  });

  it("reads Telegram's own example, which has no is_bot and no chat type", () => {
    const example = {
      update_id: 10000,
      message: {
        date: 1441645532,
        chat: { last_name: 'Test Lastname', id: 1111111, first_name: 'Test', username: 'Test' },
        message_id: 1365,
        from: { last_name: 'Test Lastname', id: 1111111, first_name: 'Test', username: 'Test' },
        text: '/start',
      },
    };
    expect(parseTelegramUpdate('bot', example, 'now')).toMatchObject({ kind: 'messages', messages: [{ chatId: '1111111', text: '/start' }] });
  });

  it('checks the secret header without throwing on any length', () => {
    const request = (secret?: string) => ({
      method: 'POST',
      headers: new Headers(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }),
      rawBody: Buffer.from('{}'),
      query: new URLSearchParams(),
    });
    const credentials = { botToken: BOT_TOKEN, secretToken: SECRET };
    expect(verifyTelegramSecret(request(SECRET), credentials)).toBe(true);
    for (const wrong of [undefined, '', 'x', `${SECRET}x`, 'y'.repeat(1000)]) expect(verifyTelegramSecret(request(wrong), credentials)).toBe(false);
  });

  it('takes only credentials that setWebhook and the Bot API accept', () => {
    expect(TelegramCredentialsSchema.safeParse({ botToken: BOT_TOKEN, secretToken: SECRET }).success).toBe(true);
    expect(TelegramCredentialsSchema.safeParse({ botToken: BOT_TOKEN, secretToken: 'has spaces' }).success).toBe(false);
    expect(TelegramCredentialsSchema.safeParse({ botToken: BOT_TOKEN, secretToken: 'x'.repeat(257) }).success).toBe(false);
    expect(TelegramCredentialsSchema.safeParse({ botToken: 'not/a-token', secretToken: SECRET }).success).toBe(false);
  });
});
