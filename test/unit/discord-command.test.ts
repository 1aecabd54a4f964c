import { commandText, readCommand } from '../../src/platforms/discord-command';
import { parseDiscordInteraction } from '../../src/platforms/discord';

describe('readCommand', () => {
  it('reads string options as their text and the command by its name', () => {
    const command = readCommand({ name: 'translate', type: 1, options: [{ name: 'text', type: 3, value: '  bonjour  ' }, { name: 'to', type: 3, value: 'en' }] });
    expect(command).toEqual({
      path: ['translate'],
      options: [
        { name: 'text', type: 3, text: 'bonjour' },
        { name: 'to', type: 3, text: 'en' },
      ],
      attachments: [],
    });
    expect(commandText(command)).toBe('/translate text: bonjour to: en');
  });

  it('walks down a subcommand group and a subcommand to their options', () => {
    const command = readCommand({
      name: 'settings',
      type: 1,
      options: [{ name: 'reply', type: 2, options: [{ name: 'language', type: 1, options: [{ name: 'code', type: 3, value: 'fr' }] }] }],
    });
    expect(commandText(command)).toBe('/settings reply language code: fr');
    expect(commandText(readCommand({ name: 'help', type: 1, options: [{ name: 'topics', type: 1 }] }))).toBe('/help topics');
    expect(commandText(readCommand({ name: 'help', type: 1 }))).toBe('/help');
  });

  it('makes every other value readable, names from `resolved` first', () => {
    const command = readCommand({
      name: 'remind',
      type: 1,
      options: [
        { name: 'who', type: 6, value: '53908232506183680' },
        { name: 'where', type: 7, value: '41771983423143937' },
        { name: 'team', type: 8, value: '41771983423143936' },
        { name: 'count', type: 4, value: 3 },
        { name: 'ratio', type: 10, value: 0.5 },
        { name: 'loud', type: 5, value: false },
        { name: 'stranger', type: 6, value: '1' },
      ],
      resolved: {
        users: { '53908232506183680': { username: 'mason', global_name: 'Mason' } },
        members: { '53908232506183680': { nick: null } },
        channels: { '41771983423143937': { name: 'general' } },
        roles: { '41771983423143936': { name: 'support' } },
      },
    });
    expect(commandText(command)).toBe('/remind who: @Mason where: #general team: @support count: 3 ratio: 0.5 loud: no stranger: <@1>');
  });

  it('turns an attachment option into the message\'s attachment', () => {
    const command = readCommand({
      name: 'describe',
      type: 1,
      options: [{ name: 'photo', type: 11, value: '1065' }],
      resolved: { attachments: { '1065': { url: 'https://cdn.discordapp.com/attachments/1/1065/cat.png', filename: 'cat.png', content_type: 'image/png' } } },
    });
    expect(commandText(command)).toBe('/describe photo: cat.png');
    expect(command.attachments).toEqual([{ kind: 'image', ref: 'https://cdn.discordapp.com/attachments/1/1065/cat.png', mimeType: 'image/png', name: 'cat.png' }]);
  });
});

describe('parseDiscordInteraction', () => {
  const base = { id: '786008729715212338', application_id: '7757', token: 'tok', channel_id: 'c1', user: { id: 'u1' } };
  const parse = (body: unknown) => parseDiscordInteraction({ botId: 'b', body, applicationId: '7757', receivedAt: '2026-12-04T00:00:00.000Z' });

  it('makes any slash command a message with its name, and keeps /ask as its bare text', () => {
    const translate = parse({ ...base, type: 2, data: { name: 'translate', type: 1, options: [{ name: 'text', type: 3, value: 'bonjour' }] } });
    expect(translate).toMatchObject({ kind: 'messages', messages: [{ text: '/translate text: bonjour', messageId: base.id }], reply: { status: 200, json: { type: 5 } } });
    const ask = parse({ ...base, type: 2, data: { name: 'ask', type: 1, options: [{ name: 'text', type: 3, value: 'How are you?' }] } });
    expect(ask).toMatchObject({ kind: 'messages', messages: [{ text: 'How are you?' }] });
  });

  it('answers 400 to an interaction type Discord does not define, and keeps the defined ones', () => {
    for (const type of [0, 6, 99, '2', undefined]) {
      expect(parse({ ...base, type })).toEqual({
        kind: 'reply',
        reply: { status: 400, json: { error: { code: 'bad_request', message: expect.stringMatching(/^Not an interaction type Discord defines/) } } },
      });
    }
    expect(parse({ ...base, type: 1 })).toEqual({ kind: 'reply', reply: { status: 200, json: { type: 1 } } });
    // A button press on no message of ours is acknowledged (a deferred update) and ignored.
    expect(parse({ ...base, type: 3, data: { custom_id: 'x', component_type: 2 } })).toMatchObject({ kind: 'reply', reply: { status: 200, json: { type: 6 } } });
    expect(parse({ ...base, type: 4, data: { name: 'ask', type: 1 } })).toEqual({ kind: 'reply', reply: { status: 200, json: { type: 8, data: { choices: [] } } } });
    expect(parse({ ...base, type: 5, data: { custom_id: 'modal' } })).toMatchObject({ kind: 'reply', reply: { status: 200, json: { type: 4 } } });
  });

  it("reads a press of one of the bot's buttons as a message carrying the choice, answered with a deferred update and a follow-up", () => {
    const press = parse({
      ...base,
      type: 3,
      data: { custom_id: 'track', component_type: 2 },
      message: { id: '555', components: [{ type: 1, components: [{ type: 2, custom_id: 'track', label: 'Track my order' }] }] },
    });
    expect(press).toMatchObject({
      kind: 'messages',
      messages: [{ text: 'Track my order', payload: 'track', messageId: 'press:555:track', pressOf: '555', replyContext: { followUp: 'true' } }],
      reply: { status: 200, json: { type: 6 } },
    });
  });

  it('answers a context-menu command privately: it is not a slash command', () => {
    expect(parse({ ...base, type: 2, data: { name: 'Quote', type: 3, target_id: '1' } })).toMatchObject({ kind: 'reply', reply: { status: 200, json: { type: 4, data: { flags: 64 } } } });
  });
});
