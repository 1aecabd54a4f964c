import { splitChatId, threadChatId } from '../../src/conversations/shared-space';
import { parseSlackWebhook } from '../../src/platforms/slack';
import { parseTelegramUpdate } from '../../src/platforms/telegram-update';

describe('conversations in shared spaces', () => {
  it('name a thread by its chat and its root, and read both back', () => {
    expect(threadChatId('C024BE91L', '1700000000.000100')).toBe('C024BE91L/1700000000.000100');
    expect(splitChatId('C024BE91L/1700000000.000100')).toEqual({ chat: 'C024BE91L', thread: '1700000000.000100' });
    expect(splitChatId('-1001234567890/42')).toEqual({ chat: '-1001234567890', thread: '42' });
    expect(splitChatId('D024BE91L')).toEqual({ chat: 'D024BE91L' });
  });

  describe('Slack', () => {
    const event = (fields: Record<string, unknown>) => ({
      type: 'event_callback',
      event: { type: 'message', user: 'U1', text: 'hi', ...fields },
    });
    const chatIdOf = (fields: Record<string, unknown>) => {
      const outcome = parseSlackWebhook({ botId: 'b', body: event(fields), receivedAt: '2026-12-03T00:00:00.000Z' });
      if (outcome.kind !== 'messages') throw new Error(`not a message: ${JSON.stringify(outcome)}`);
      return outcome.messages[0]!.chatId;
    };

    it('keys each channel thread on its own, a top-level message opening its thread', () => {
      expect(chatIdOf({ channel: 'C1', channel_type: 'channel', ts: '100.1' })).toBe('C1/100.1');
      expect(chatIdOf({ channel: 'C1', channel_type: 'channel', ts: '100.2', thread_ts: '100.1' })).toBe('C1/100.1');
      expect(chatIdOf({ channel: 'C1', channel_type: 'channel', ts: '100.3', thread_ts: '99.0' })).toBe('C1/99.0');
      expect(chatIdOf({ channel: 'G1', channel_type: 'mpim', ts: '100.4' })).toBe('G1/100.4');
      expect(chatIdOf({ type: 'app_mention', channel: 'C1', ts: '100.5' })).toBe('C1/100.5');
    });

    it('keys a direct message by its channel, as before, threads and all', () => {
      expect(chatIdOf({ channel: 'D1', channel_type: 'im', ts: '100.1' })).toBe('D1');
      expect(chatIdOf({ channel: 'D1', channel_type: 'im', ts: '100.2', thread_ts: '100.1' })).toBe('D1');
      expect(chatIdOf({ channel: 'D1', ts: '100.3' })).toBe('D1');
    });
  });

  describe('Telegram', () => {
    const update = (message: Record<string, unknown>) => ({
      update_id: 1,
      message: { message_id: 7, from: { id: 5, is_bot: false }, text: 'hi', date: 1, ...message },
    });
    const inboundOf = (message: Record<string, unknown>) => {
      const outcome = parseTelegramUpdate('b', update(message), '2026-12-03T00:00:00.000Z');
      if (outcome.kind !== 'messages') throw new Error(`not a message: ${JSON.stringify(outcome)}`);
      return outcome.messages[0]!;
    };

    it('keys a forum topic on its own, and quotes the message answered in a group', () => {
      const topic = inboundOf({ chat: { id: -1001, type: 'supergroup' }, message_thread_id: 42, is_topic_message: true });
      expect(topic.chatId).toBe('-1001/42');
      expect(topic.replyContext).toEqual({ replyToMessageId: '7' });
      // A reply to a message in a group without topics carries a thread id, but is no topic.
      expect(inboundOf({ chat: { id: -1002, type: 'supergroup' }, message_thread_id: 3 }).chatId).toBe('-1002');
    });

    it('keys a private chat by its id, with nothing to quote', () => {
      const direct = inboundOf({ chat: { id: 5, type: 'private' } });
      expect(direct.chatId).toBe('5');
      expect(direct.replyContext).toBeUndefined();
    });
  });
});
