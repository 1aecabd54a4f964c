import { toPlainText, toSlackMrkdwn, toTelegramHtml, toWhatsApp } from '../../src/formatting/dialects';
import { splitMarkdown } from '../../src/formatting/split-markdown';

const REPLY = [
  '## Your order',
  'It ships **tomorrow**, _by 10:00_. Track it [here](https://track.example.com/?id=1&x=2).',
  '- use `order_id` 42',
  '- keep the box',
  '```',
  'if (a < b && c > d) {}',
  '```',
].join('\n');

describe('the model\'s markdown, in each dialect', () => {
  it('becomes Telegram HTML, with everything the model wrote escaped', () => {
    expect(toTelegramHtml(REPLY)).toBe(
      [
        '<b>Your order</b>',
        '',
        'It ships <b>tomorrow</b>, <i>by 10:00</i>. Track it <a href="https://track.example.com/?id=1&amp;x=2">here</a>.',
        '',
        '• use <code>order_id</code> 42',
        '• keep the box',
        '',
        '<pre>if (a &lt; b &amp;&amp; c &gt; d) {}</pre>',
      ].join('\n'),
    );
    expect(toTelegramHtml('<script>alert(1)</script> & **<b>**')).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; <b>&lt;b&gt;</b>');
  });

  it('becomes Slack mrkdwn and WhatsApp\'s markers', () => {
    expect(toSlackMrkdwn('It ships **tomorrow** & [track it](https://t.example.com/a|b) <now>')).toBe('It ships *tomorrow* &amp; <https://t.example.com/a|b|track it> &lt;now&gt;');
    expect(toWhatsApp('It ships **tomorrow**, _early_. [Track](https://t.example.com)')).toBe('It ships *tomorrow*, _early_. Track (https://t.example.com)');
  });

  it('becomes plain text for Messenger, the markers gone', () => {
    expect(toPlainText('It ships **tomorrow**, *early*. [Track](https://t.example.com) with `code`')).toBe('It ships tomorrow, early. Track (https://t.example.com) with code');
  });

  it('leaves unclosed markers, snake_case and arithmetic as written', () => {
    expect(toPlainText('a **half bold and my_var_name is 2*3*4')).toBe('a **half bold and my_var_name is 2*3*4');
    expect(toTelegramHtml('```\nunclosed fence')).toBe('```\nunclosed fence');
  });
});

describe('splitting markdown', () => {
  it('keeps a code block whole when it fits, and splits between blocks', () => {
    const text = `${'a'.repeat(50)}\n\n\`\`\`\n${'x'.repeat(30)}\n${'y'.repeat(30)}\n\`\`\`\n\n${'b'.repeat(50)}`;
    const parts = splitMarkdown(text, 80);
    expect(parts).toEqual(['a'.repeat(50), `\`\`\`\n${'x'.repeat(30)}\n${'y'.repeat(30)}\n\`\`\``, 'b'.repeat(50)]);
  });

  it('splits a code block longer than the limit into fenced pieces, and never cuts inside **bold**', () => {
    const code = `\`\`\`\n${Array.from({ length: 6 }, (_, i) => `line ${i} ${'z'.repeat(20)}`).join('\n')}\n\`\`\``;
    const parts = splitMarkdown(code, 80);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(80);
      expect(part.startsWith('```\n') && part.endsWith('\n```')).toBe(true);
    }
    const bolded = `${'word '.repeat(10)}**a bold phrase here** ${'tail '.repeat(10)}`;
    for (const part of splitMarkdown(bolded, 60)) expect((part.match(/\*\*/g) ?? []).length % 2).toBe(0);
  });
});
