import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The console's colours, light and dark, read from its style sheet: every text colour on every
 * background it is drawn on meets WCAG AA for body text (4.5:1), and the accent's button text too.
 */
const css = readFileSync(join(__dirname, '..', '..', 'src', 'http', 'console', 'assets', 'console.css'), 'utf8');

function palette(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map(([, name, value]) => [name!, value!.toLowerCase()]));
}

const light = palette(css.slice(css.indexOf(':root'), css.indexOf('@media (prefers-color-scheme: dark)')));
const dark = palette(css.slice(css.indexOf('@media (prefers-color-scheme: dark)')));

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
}

describe.each([
  ['light', light],
  ['dark', dark],
])('the console in %s mode', (_mode, colours) => {
  it('defines every colour it is checked with', () => {
    for (const name of ['bg', 'panel', 'fg', 'muted', 'accent', 'accent-fg', 'danger', 'ok', 'warn']) expect(colours).toHaveProperty([name]);
  });

  it.each(['fg', 'muted', 'accent', 'danger', 'ok', 'warn'])('draws %s text at 4.5:1 or more on the page and on panels', (text) => {
    const ratios = ['bg', 'panel'].map((background) => ({ background, ratio: Math.round(contrast(colours[text]!, colours[background]!) * 100) / 100 }));
    expect(ratios.filter(({ ratio }) => ratio < 4.5)).toEqual([]);
  });

  it('draws button text on the accent at 4.5:1 or more', () => {
    expect(contrast(colours['accent-fg']!, colours.accent!)).toBeGreaterThanOrEqual(4.5);
  });
});
