import { conversationWorkflowId, formatConversationKey } from '../../src/conversations/conversation-key';

describe('conversation keys', () => {
  it('encode any platform chat id so the key stays unambiguous', () => {
    expect(formatConversationKey({ botId: 'b', platform: 'telegram', chatId: '-100123' })).toBe('b:telegram:-100123');
    expect(formatConversationKey({ botId: 'b', platform: 'slack', chatId: 'C1:1700000000.0001' })).toBe(
      'b:slack:C1%3A1700000000.0001',
    );
    expect(conversationWorkflowId({ botId: 'b', platform: 'webchat', chatId: 'a/b c' })).toBe('conversation:b:webchat:a%2Fb%20c');
  });
});
