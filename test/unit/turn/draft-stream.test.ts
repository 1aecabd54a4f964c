import { createDraftStream, type DraftSink } from '../../../src/turn/draft-stream';
import type { Verdict } from '../../../src/turn/moderation';

function sink() {
  const events: Array<{ generation: number; offset: number; delta: string } | 'discard'> = [];
  const draftSink: DraftSink = {
    async publish(piece) {
      events.push(piece);
    },
    async discard() {
      events.push('discard');
    },
  };
  const shown = () => {
    let text = '';
    let generation = -1;
    for (const event of events) {
      if (event === 'discard') text = '';
      else if (event.generation !== generation) [generation, text] = [event.generation, event.delta];
      else if (event.offset === text.length) text += event.delta;
    }
    return text;
  };
  return { draftSink, events, shown };
}

const clean = async (): Promise<Verdict> => ({ flagged: false, categories: [] });

describe('the draft stream', () => {
  it('shows every piece under the flag policy, gathered into few notifications', async () => {
    const { draftSink, events, shown } = sink();
    const stream = createDraftStream({ policy: 'flag', sink: draftSink, check: clean });
    for (const word of 'one two three four'.split(/(?<= )/)) stream.push(word);
    expect(await stream.finish()).toBeUndefined();
    expect(shown()).toBe('one two three four');
    expect(events.length).toBeLessThan(4);
  });

  it('shows a sentence under the block policy only once moderation passed it, and takes the draft back at a flagged one', async () => {
    const { draftSink, events, shown } = sink();
    const checked: string[] = [];
    const check = async (text: string): Promise<Verdict> => {
      checked.push(text);
      return { flagged: text.includes('bad'), categories: text.includes('bad') ? ['violence'] : [] };
    };
    const stream = createDraftStream({ policy: 'block', sink: draftSink, check });
    stream.push('First one is fine. Sec');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(shown()).toBe('First one is fine. ');
    stream.push('ond is bad. Third');
    const verdict = await stream.finish();
    expect(checked).toEqual(['First one is fine. ', 'Second is bad. ']);
    expect(verdict).toMatchObject({ flagged: true, categories: ['violence'] });
    expect(events.at(-1)).toBe('discard');
    expect(shown()).toBe('');
    // Nothing after the flagged sentence was ever published.
    expect(events.filter((e) => e !== 'discard').map((e) => e.delta).join('')).toBe('First one is fine. ');
  });

  it('starts a retried call on a new generation, from the start', async () => {
    const { draftSink, shown } = sink();
    const stream = createDraftStream({ policy: 'off', sink: draftSink, check: clean });
    stream.push('Once upon');
    await new Promise((resolve) => setTimeout(resolve, 100));
    stream.restart();
    stream.push('Once upon a time.');
    await stream.finish();
    expect(shown()).toBe('Once upon a time.');
  });

  it('never fails the turn when the draft cannot be published', async () => {
    const stream = createDraftStream({
      policy: 'off',
      sink: { publish: () => Promise.reject(new Error('database down')), discard: () => Promise.reject(new Error('database down')) },
      check: clean,
    });
    stream.push('hello');
    await expect(stream.finish()).resolves.toBeUndefined();
    await expect(stream.discard()).resolves.toBeUndefined();
  });
});
