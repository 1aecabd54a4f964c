import { createBotDirectory } from '../../src/bots/bot-directory';
import { isBotId } from '../../src/bots/bot-id';
import type { BotSettings } from '../../src/conversations/bot-settings';

function bot(id: string): BotSettings {
  return { id } as BotSettings;
}

/** The system of record as the directory sees it: a few bots, and a count of every read. */
function lookupOver(known: string[]) {
  const reads: string[] = [];
  let down = false;
  return {
    reads,
    setDown: (value: boolean) => (down = value),
    lookup: async (botId: string) => {
      if (down) throw new Error('connection refused');
      reads.push(botId);
      return known.includes(botId) ? bot(botId) : undefined;
    },
  };
}

describe('bot ids', () => {
  it('match the pattern bot creation uses', () => {
    expect(['support', 'bot_1', 'A-b', 'x'.repeat(64)].every(isBotId)).toBe(true);
    expect(['', 'a b', 'a\u0000', 'a/b', 'x'.repeat(65), '%00', 'é'].some(isBotId)).toBe(false);
  });
});

describe('createBotDirectory', () => {
  it('answers ids no bot can have as unknown without reading the database', async () => {
    const store = lookupOver(['support']);
    const bots = createBotDirectory({ lookup: store.lookup, configuredBots: [] });
    expect(await bots.find('a\u0000b')).toBeUndefined();
    expect(await bots.find('../etc')).toBeUndefined();
    expect(store.reads).toEqual([]);
  });

  it('never keeps unknown ids, so made-up ids cannot grow its memory', async () => {
    const store = lookupOver(['support']);
    const bots = createBotDirectory({ lookup: store.lookup, configuredBots: [] });
    for (let i = 0; i < 20_000; i += 1) await bots.find(`nobody-${i}`);
    expect(bots.cachedBots).toBe(0);
    expect(await bots.find('support')).toEqual(bot('support'));
    expect(bots.cachedBots).toBe(1);
  });

  it('holds at most its bound of bots, dropping the least recently used', async () => {
    const known = Array.from({ length: 10 }, (_, i) => `bot-${i}`);
    const store = lookupOver(known);
    const bots = createBotDirectory({ lookup: store.lookup, configuredBots: [], maxCachedBots: 3 });
    for (const id of known) await bots.find(id);
    expect(bots.cachedBots).toBe(3);
    store.reads.length = 0;
    await bots.find('bot-9');
    expect(store.reads).toEqual([]); // still cached
    await bots.find('bot-0');
    expect(store.reads).toEqual(['bot-0']); // evicted long ago
  });

  it('serves the last known answer, then the configured bots, while the database is down', async () => {
    const store = lookupOver(['support']);
    const bots = createBotDirectory({ lookup: store.lookup, configuredBots: [bot('default')], ttlMs: 0 });
    await bots.find('support');
    store.setDown(true);
    expect(await bots.find('support')).toEqual(bot('support'));
    expect(await bots.find('default')).toEqual(bot('default'));
    await expect(bots.find('other')).rejects.toThrow('database is unreachable');
  });
});
