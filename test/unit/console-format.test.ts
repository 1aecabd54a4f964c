import { formatInstant, formatMs, formatUsd, formatWait, previewText } from '../../src/http/console/format';

describe('how the console words figures', () => {
  it('words a wait as an operator reads it', () => {
    expect(formatWait(-5)).toBe('0 s');
    expect(formatWait(45_900)).toBe('45 s');
    expect(formatWait(12 * 60_000 + 59_000)).toBe('12 min');
    expect(formatWait(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 05 min');
    expect(formatWait(52 * 3_600_000)).toBe('2 d 4 h');
  });

  it('shows instants in UTC to the minute, and previews on one line', () => {
    expect(formatInstant(new Date('2026-12-04T09:30:59.999Z'))).toBe('2026-12-04 09:30');
    expect(previewText('a\n\n b  c')).toBe('a b c');
    expect(previewText('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(previewText(null)).toBe('');
  });

  it('shows milliseconds and dollars readably', () => {
    expect(formatMs(null)).toBe('–');
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(1830)).toBe('1.8 s');
    expect(formatUsd(null)).toBe('–');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.000056)).toBe('$0.000056');
    expect(formatUsd(12.345)).toBe('$12.35');
  });
});
