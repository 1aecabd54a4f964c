import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/**
 * The web chat page (src/http/pages/chat.html) in a real headless Chromium, against the whole
 * product. Uses the system's Chromium (Debian's `chromium` package, see .ci/install-chromium.sh);
 * it never downloads a browser.
 */
const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (path): path is string => Boolean(path),
);
const executablePath = CHROMIUM_CANDIDATES.find((path) => existsSync(path));

if (!executablePath) {
  console.warn(
    `Skipping the browser test: no Chromium found at ${CHROMIUM_CANDIDATES.join(', ')}; ` +
      'install Debian\'s chromium (apt-get install chromium, or run .ci/install-chromium.sh) or set CHROMIUM_PATH.',
  );
}

// Skipped, with the warning above, only when this machine has no Chromium: the test needs a real
// browser and must not download one.
const describeIfChromium = executablePath ? describe : describe.skip;

const FIRST = 'hello from the browser';
const SECOND = 'and a second message';
/** Kept after the run for a look (.data is gitignored). */
const SCREENSHOT = join(__dirname, '..', '..', '.data', 'test-run', 'webchat.png');
const STREAMING_SCREENSHOT = join(__dirname, '..', '..', '.data', 'test-run', 'webchat-streaming.png');

describeIfChromium('web chat in a browser', () => {
  let stack: TestStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: { width: 800, height: 600 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  function chatUrl(): string {
    return `${stack!.baseUrl}/chat/${stack!.botId}`;
  }

  async function waitUntilConnected(): Promise<void> {
    await page.locator('body[data-state="connected"]').waitFor({ state: 'attached', timeout: 20_000 });
  }

  /** What the conversation shows: [role, text] of every message, in page order. */
  async function shownMessages(): Promise<Array<[string, string]>> {
    return page.$$eval('#messages li.message', (items) =>
      items.map((li): [string, string] => [
        li.getAttribute('data-role') ?? '',
        li.querySelector('.message-text')?.textContent ?? '',
      ]),
    );
  }

  async function sendFromComposer(text: string, how: 'enter' | 'click'): Promise<void> {
    const input = page.locator('#composer-input');
    await input.fill(text);
    if (how === 'enter') await input.press('Enter');
    else await page.locator('#composer-send').click();
  }

  async function waitForReplyTo(text: string): Promise<void> {
    await page
      .locator('li.message[data-role="bot"] .message-text', { hasText: `echo: ${text}` })
      .waitFor({ state: 'visible', timeout: 20_000 });
  }

  it('sends messages, shows each reply once and in order, and keeps the conversation across a reload', async () => {
    await page.goto(chatUrl());
    await waitUntilConnected();
    expect(await page.locator('#messages li.message').count()).toBe(0);

    // First message, sent with Enter.
    await sendFromComposer(FIRST, 'enter');
    await waitForReplyTo(FIRST);
    // The optimistic bubble and the stream's echo of it are one message, no longer pending.
    await waitFor('the echo of the visitor message', async () =>
      (await page.locator('li.message[data-role="visitor"][data-seq]').count()) === 1,
    );
    expect(await shownMessages()).toEqual([
      ['visitor', FIRST],
      ['bot', `echo: ${FIRST}`],
    ]);
    expect(await page.locator('li.message[data-pending]').count()).toBe(0);
    expect(await page.locator('#composer-input').inputValue()).toBe('');

    // Second message, sent with the button.
    await sendFromComposer(SECOND, 'click');
    await waitForReplyTo(SECOND);
    await waitFor('the echo of the second visitor message', async () =>
      (await page.locator('li.message[data-role="visitor"][data-seq]').count()) === 2,
    );
    const expected: Array<[string, string]> = [
      ['visitor', FIRST],
      ['bot', `echo: ${FIRST}`],
      ['visitor', SECOND],
      ['bot', `echo: ${SECOND}`],
    ];
    expect(await shownMessages()).toEqual(expected);
    await waitFor('the typing indicator to hide', async () => !(await page.locator('#typing').isVisible()));
    expect(await page.locator('#composer-status').textContent()).toBe('');

    // The session token is in localStorage, so a reload shows the same conversation again.
    const token = await page.evaluate((key) => localStorage.getItem(key), `chat:${stack!.botId}`);
    expect(token).toContain('"token"');
    await page.reload();
    await waitUntilConnected();
    await waitFor('the replayed history', async () => (await page.locator('#messages li.message').count()) >= 4);
    expect(await shownMessages()).toEqual(expected);
    expect(await page.evaluate((key) => localStorage.getItem(key), `chat:${stack!.botId}`)).toBe(token);

    // The database holds exactly those four messages.
    const rows = await stack!.db
      .selectFrom('messages')
      .select(['direction', 'author', 'text'])
      .where('bot_id', '=', stack!.botId)
      .orderBy('seq')
      .execute();
    expect(rows).toEqual([
      { direction: 'inbound', author: 'user', text: FIRST },
      { direction: 'outbound', author: 'bot', text: `echo: ${FIRST}` },
      { direction: 'inbound', author: 'user', text: SECOND },
      { direction: 'outbound', author: 'bot', text: `echo: ${SECOND}` },
    ]);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(pageErrors).toEqual([]);
  });

  it('shows the reply growing as the model writes it: the first words are on the page before the last is written', async () => {
    const reply = 'Here is the first sentence of a long answer. The rest arrives slowly, one word after another, until the very last word.';
    stack!.fakeOpenAI.enqueue({ kind: 'reply', text: reply, streamDelayMs: 120 });
    await sendFromComposer('tell me a long story', 'enter');

    const draft = page.locator('li.message[data-draft] .message-text', { hasText: 'Here is the first sentence' });
    await draft.waitFor({ state: 'visible', timeout: 20_000 });
    const shownAt = Date.now();
    const call = stack!.fakeOpenAI.chatCalls().at(-1)!;
    expect(call.body.stream).toBe(true);
    expect(call.lastDeltaAt).toBeUndefined();
    mkdirSync(dirname(STREAMING_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: STREAMING_SCREENSHOT });

    // The stored reply replaces the draft: shown once, whole, and no draft is left.
    await page.locator('li.message[data-role="bot"]:not([data-draft]) .message-text', { hasText: 'until the very last word.' }).waitFor({ timeout: 20_000 });
    expect(call.lastDeltaAt!).toBeGreaterThan(shownAt);
    expect(await page.locator('li.message[data-draft]').count()).toBe(0);
    expect((await shownMessages()).filter(([role, text]) => role === 'bot' && text === reply)).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });

  it("shows the bot's markdown formatted, and anything that looks like HTML as text", async () => {
    stack!.fakeOpenAI.enqueue({ kind: 'reply', text: 'It ships **tomorrow**. <img src=x onerror="window.pwned=1"> See [the guide](https://docs.example.com/guide).' });
    await sendFromComposer('when does it ship?', 'enter');
    const reply = page.locator('li.message[data-role="bot"]:not([data-draft]) .message-text', { hasText: 'See the guide' });
    await reply.waitFor({ timeout: 20_000 });
    expect(await reply.locator('strong').textContent()).toBe('tomorrow');
    expect(await reply.locator('a').getAttribute('href')).toBe('https://docs.example.com/guide');
    expect(await reply.locator('img').count()).toBe(0);
    expect(await reply.textContent()).toContain('<img src=x onerror="window.pwned=1">');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.screenshot({ path: join(dirname(STREAMING_SCREENSHOT), 'webchat-markdown.png') });
    expect(pageErrors).toEqual([]);
  });

  it("shows the bot's choices as buttons; a click sends the choice once, and the bot answers it", async () => {
    await stack!.db.updateTable('bots').set({ offer_choices: true }).where('id', '=', stack!.botId).execute();
    try {
      stack!.fakeOpenAI.enqueue({ kind: 'tool-calls', calls: [{ name: 'offer_choices', arguments: { text: 'Shall I book it?', choices: [{ id: 'yes', title: 'Yes please' }, { id: 'no', title: 'Not now' }] } }] });
      await sendFromComposer('book a table', 'enter');
      const yes = page.getByRole('button', { name: 'Yes please' });
      await yes.waitFor({ timeout: 20_000 });
      await yes.click();
      await page.locator('li.message[data-role="bot"] .message-text', { hasText: 'echo: Yes please (choice: yes)' }).waitFor({ timeout: 20_000 });
      // The buttons are spent: a second click cannot send again.
      expect(await yes.isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Not now' }).isDisabled()).toBe(true);
      await page.screenshot({ path: join(dirname(STREAMING_SCREENSHOT), 'webchat-choices.png') });
      const pressed = await stack!.db.selectFrom('messages').select(['text', 'payload']).where('payload', '=', 'yes').execute();
      expect(pressed).toEqual([{ text: 'Yes please', payload: 'yes' }]);
      expect(pageErrors).toEqual([]);
    } finally {
      await stack!.db.updateTable('bots').set({ offer_choices: false }).where('id', '=', stack!.botId).execute();
    }
  });

  it('shows "typing…" while the server says the model is writing, announced to screen readers, and hides it with the reply', async () => {
    const typing = page.locator('#typing');
    expect(await typing.isVisible()).toBe(false);
    stack!.fakeOpenAI.enqueue({ kind: 'reply', text: 'echo: a slow one', delayMs: 2_500 });
    await sendFromComposer('a slow one', 'enter');

    await typing.waitFor({ state: 'visible', timeout: 20_000 });
    const status = page.locator('#typing-status');
    expect(await status.getAttribute('role')).toBe('status');
    expect(await status.textContent()).toMatch(/ is typing…$/);
    await waitForReplyTo('a slow one');
    await waitFor('the typing indicator to hide', async () => !(await typing.isVisible()));
    expect(await status.textContent()).toBe('');
    expect(pageErrors).toEqual([]);
  });
});
