import { splitText } from '../../src/conversations/split-text';

describe('splitText', () => {
  it('keeps a short text whole', () => {
    expect(splitText('hello there', 100)).toEqual(['hello there']);
  });

  it('breaks at sentence boundaries before words, and never exceeds the limit', () => {
    const text = 'First sentence is here. Second sentence follows it. Third one closes.';
    const parts = splitText(text, 30);
    expect(parts.every((part) => part.length <= 30)).toBe(true);
    expect(parts[0]).toBe('First sentence is here.');
    expect(parts.join(' ')).toBe(text);
  });

  it('prefers paragraph breaks', () => {
    const text = `${'a'.repeat(30)}\n\n${'b'.repeat(30)}`;
    expect(splitText(text, 50)).toEqual(['a'.repeat(30), 'b'.repeat(30)]);
  });

  it('breaks between words when a sentence is too long', () => {
    const parts = splitText('one two three four five six seven eight nine ten', 15);
    expect(parts.every((part) => part.length <= 15)).toBe(true);
    expect(parts.join(' ')).toBe('one two three four five six seven eight nine ten');
  });

  it('cuts a word longer than the limit', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('keeps every character of a long real reply, in order', () => {
    const text = Array.from({ length: 300 }, (_, i) => `Sentence number ${i} says something useful.`).join(' ');
    const parts = splitText(text, 4096);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((part) => part.length <= 4096)).toBe(true);
    expect(parts.join(' ')).toBe(text);
  });
});
