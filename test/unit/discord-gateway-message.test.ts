import { parseGatewayMessage } from '../../src/platforms/discord-gateway-message';

describe('parseGatewayMessage', () => {
  const BOT = '775799577604522999';
  const base = { id: '1122', channel_id: 'c1', type: 0, content: 'hello', author: { id: 'u1' }, mentions: [], attachments: [] };
  const parse = (data: unknown) => parseGatewayMessage({ botId: 'b', botUserId: BOT, data, receivedAt: '2026-12-04T00:00:00.000Z' });

  it('takes a direct message as it is, with no reply reference', () => {
    expect(parse(base)).toEqual({
      kind: 'message',
      message: { botId: 'b', platform: 'discord', chatId: 'c1', userId: 'u1', messageId: '1122', text: 'hello', attachments: [], receivedAt: '2026-12-04T00:00:00.000Z' },
    });
  });

  it('takes a server message only when it mentions the bot, without the mention, as a reply to it', () => {
    const inGuild = { ...base, guild_id: 'g1', content: `<@!${BOT}>  what is <@${BOT}> Temporal?`, mentions: [{ id: BOT }] };
    expect(parse(inGuild)).toMatchObject({ kind: 'message', message: { text: 'what is  Temporal?', replyContext: { replyToMessageId: '1122' } } });
    expect(parse({ ...inGuild, mentions: [{ id: 'someone-else' }] })).toEqual({ kind: 'ignored', reason: 'not addressed to the bot' });
    expect(parse({ ...inGuild, content: `<@${BOT}>` })).toEqual({ kind: 'ignored', reason: 'no text' });
  });

  it('reads a reply (type 19) and files, and ignores bots, webhooks and system messages', () => {
    const withFile = { ...base, type: 19, content: '', attachments: [{ url: 'https://cdn.discordapp.com/a/1/x.ogg', filename: 'x.ogg', content_type: 'audio/ogg' }] };
    expect(parse(withFile)).toMatchObject({ kind: 'message', message: { text: '', attachments: [{ kind: 'audio', ref: 'https://cdn.discordapp.com/a/1/x.ogg', name: 'x.ogg' }] } });
    expect(parse({ ...base, author: { id: 'u2', bot: true } })).toMatchObject({ kind: 'ignored' });
    expect(parse({ ...base, webhook_id: 'w1' })).toMatchObject({ kind: 'ignored' });
    expect(parse({ ...base, type: 7 })).toEqual({ kind: 'ignored', reason: 'system message (type 7)' });
    expect(parse({ nothing: true })).toEqual({ kind: 'ignored', reason: 'not a message' });
  });
});
