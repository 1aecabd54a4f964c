import { applyReaction } from '../../src/conversations/message-change';

describe('reactions on a message', () => {
  it('keeps one of each emoji per person, removes what is taken back, and an empty emoji takes all of a person\'s', () => {
    let reactions = applyReaction([], { userId: 'u1', emoji: '👍', added: true });
    reactions = applyReaction(reactions, { userId: 'u1', emoji: '👍', added: true });
    reactions = applyReaction(reactions, { userId: 'u2', emoji: '👍', added: true });
    reactions = applyReaction(reactions, { userId: 'u1', emoji: '🔥', added: true });
    expect(reactions).toEqual([{ userId: 'u1', emoji: '👍' }, { userId: 'u2', emoji: '👍' }, { userId: 'u1', emoji: '🔥' }]);
    expect(applyReaction(reactions, { userId: 'u1', emoji: '👍', added: false })).toEqual([{ userId: 'u2', emoji: '👍' }, { userId: 'u1', emoji: '🔥' }]);
    expect(applyReaction(reactions, { userId: 'u1', emoji: '', added: false })).toEqual([{ userId: 'u2', emoji: '👍' }]);
    expect(applyReaction(reactions, { userId: 'u3', emoji: '👍', added: false })).toEqual(reactions);
  });
});
