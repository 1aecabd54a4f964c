import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium, SCREENSHOT_DIR } from '../support/chromium';
import { requestJson } from '../support/http';
import { upsertCannedResponse } from '../../src/db/queries/console-notes';
import { startTestStack, TEST_ADMIN_KEY, type TestStack } from '../support/test-stack';

/**
 * The operator's console in a real headless Chromium, against the whole product, with a person on
 * the web chat page in a second tab: the person writes, the operator watches it arrive, takes over,
 * replies, the person reads the reply; the operator releases and opens the dashboard.
 */
if (!CHROMIUM_PATH) console.warn('Skipping the console browser test: no Chromium (apt-get install chromium, or set CHROMIUM_PATH).');
const describeIfChromium = CHROMIUM_PATH ? describe : describe.skip;

describeIfChromium('the operator console in a browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let operator: Page;
  let person: Page;
  let operatorKey: string;
  const pageErrors: string[] = [];

  const watchErrors = (page: Page, who: string) => {
    page.on('pageerror', (error) => pageErrors.push(`${who} pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${who} console.error: ${message.text()}`);
    });
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    stack = await startTestStack();
    const created = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'Sam', role: 'operator' } });
    operatorKey = created.body.data.key;
    await upsertCannedResponse(stack.db, { botId: stack.botId, title: 'Greeting', text: 'Hi, this is Sam. ' });
    browser = await launchChromium();
    operator = await (await browser.newContext({ viewport: { width: 1100, height: 800 }, colorScheme: 'light' })).newPage();
    person = await (await browser.newContext({ viewport: { width: 420, height: 700 } })).newPage();
    watchErrors(operator, 'operator');
    watchErrors(person, 'person');
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function personSays(text: string): Promise<void> {
    await person.locator('#composer-input').fill(text);
    await person.locator('#composer-input').press('Enter');
  }

  it('signs in with a key, and the session cookie is HttpOnly and SameSite=Strict', async () => {
    await operator.goto(`${stack.baseUrl}/console`);
    expect(new URL(operator.url()).pathname).toBe('/console/sign-in');
    await operator.getByLabel('API key').fill('co_not-a-key');
    await operator.getByRole('button', { name: 'Sign in' }).click();
    await operator.getByRole('alert').filter({ hasText: 'unknown or revoked' }).waitFor();
    // The refused sign-in answers 401, which the browser reports; nothing else may.
    pageErrors.splice(0, pageErrors.length);
    await operator.getByLabel('API key').fill(operatorKey);
    await operator.getByRole('button', { name: 'Sign in' }).click();
    await operator.getByRole('heading', { name: 'Inbox' }).waitFor();
    const cookies = await operator.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'console_session')!;
    expect({ httpOnly: session.httpOnly, sameSite: session.sameSite, path: session.path }).toEqual({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(session.value).not.toContain(operatorKey);
  });

  it("shows a person's new message in the inbox without a reload", async () => {
    await operator.locator('body[data-live="connected"]').waitFor({ state: 'attached', timeout: 20_000 });
    expect(await operator.locator('#inbox-connection').textContent()).toBe('Live: new messages appear without a reload.');
    await operator.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await person.goto(`${stack.baseUrl}/chat/${stack.botId}`);
    await person.locator('body[data-state="connected"]').waitFor({ state: 'attached', timeout: 20_000 });
    await personSays('Hello, my parcel is late');
    const row = operator.locator('#inbox li', { hasText: 'Hello, my parcel is late' });
    await row.or(operator.locator('#inbox li', { hasText: 'echo: Hello, my parcel is late' })).first().waitFor({ timeout: 20_000 });
    await operator.locator('#inbox li', { hasText: 'echo: Hello, my parcel is late' }).waitFor({ timeout: 20_000 });
    expect(await operator.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await shot(operator, 'console-inbox');
  });

  it('takes over, replies once however often the button is pressed, the person reads it, and releases', async () => {
    await operator.locator('#inbox li a').first().click();
    await operator.getByRole('heading', { level: 2, name: 'Transcript' }).waitFor();
    await operator.locator('#transcript li[data-author="bot"]', { hasText: 'echo: Hello, my parcel is late' }).waitFor();
    await operator.getByRole('button', { name: 'Take over' }).click();
    await operator.getByRole('status').filter({ hasText: 'You have taken over' }).waitFor();
    expect(await operator.locator('#conversation-state').getAttribute('data-status')).toBe('handoff');
    await operator.locator('body[data-live="connected"]').waitFor({ state: 'attached', timeout: 20_000 });

    // The person writes while a human has it: the bot stays silent, the operator sees it live.
    await personSays('Is anyone there?');
    await operator.locator('#transcript li[data-author="user"]', { hasText: 'Is anyone there?' }).waitFor({ timeout: 20_000 });

    // A canned response on Alt+1, then the operator's own words after it.
    const reply = operator.getByLabel('Reply to the person');
    await reply.focus();
    await operator.keyboard.press('Alt+1');
    expect(await reply.inputValue()).toBe('Hi, this is Sam. ');
    await operator.keyboard.type('Your parcel ships today.');
    expect(await reply.inputValue()).toBe('Hi, this is Sam. Your parcel ships today.');
    await operator.getByRole('button', { name: 'Send reply' }).dblclick();
    await operator.getByRole('status').filter({ hasText: 'Sent.' }).waitFor();
    await person.locator('li.message[data-role="agent"] .message-text', { hasText: 'Your parcel ships today.' }).waitFor({ timeout: 20_000 });
    await operator.locator('#transcript li[data-author="agent"]', { hasText: 'Your parcel ships today.' }).waitFor({ timeout: 20_000 });
    await shot(operator, 'console-conversation');
    await shot(person, 'console-person-webchat');
    const sent = await stack.db.selectFrom('messages').select('text').where('author', '=', 'agent').execute();
    expect(sent).toEqual([{ text: 'Hi, this is Sam. Your parcel ships today.' }]);
    expect(await person.locator('li.message[data-role="bot"]', { hasText: 'Is anyone there?' }).count()).toBe(0);

    await operator.getByRole('button', { name: 'Release to the bot' }).click();
    await operator.getByRole('status').filter({ hasText: 'Released' }).waitFor();
    expect(await operator.locator('#conversation-state').getAttribute('data-status')).toBe('active');
    await personSays('Thanks!');
    await person.locator('li.message[data-role="bot"] .message-text', { hasText: 'echo: Thanks!' }).waitFor({ timeout: 20_000 });
    expect(pageErrors).toEqual([]);
  });

  it('opens the dashboard: figures and a chart for each measure, drawn from files the product serves', async () => {
    await operator.getByRole('link', { name: 'Analytics' }).click();
    await operator.getByRole('heading', { name: 'Analytics' }).waitFor();
    await operator.locator('body[data-charts="drawn"]').waitFor({ state: 'attached', timeout: 20_000 });
    expect(await operator.locator('#charts canvas').count()).toBe(7);
    const figure = (label: string) => operator.locator('.figures li', { hasText: label }).locator('strong').textContent();
    expect(await figure('Conversations started')).toBe('1');
    expect(await figure('Messages in')).toBe('3');
    expect(await figure('Handoffs')).toBe('1');
    await shot(operator, 'console-analytics');
    expect(pageErrors).toEqual([]);
  });

  it('reaches every control by keyboard, each with a label, on every page', async () => {
    const admin = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    watchErrors(admin, 'admin');
    await admin.goto(`${stack.baseUrl}/console/sign-in`);
    await admin.getByLabel('API key').fill(TEST_ADMIN_KEY);
    await admin.getByLabel('API key').press('Enter');
    await admin.getByRole('heading', { name: 'Inbox' }).waitFor();
    const conversation = await admin.locator('#inbox li a').first().getAttribute('href');
    for (const path of ['/console/inbox', conversation!, '/console/analytics', `/console/bots/${stack.botId}`, '/console/audit']) {
      await admin.goto(`${stack.baseUrl}${path}`);
      await admin.locator('h1').first().waitFor();
      // Every control a person could use, numbered; then Tab walks the page and notes which it reached.
      const controls = await admin.evaluate(() => {
        const selector = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary';
        const visible = Array.from(document.querySelectorAll<HTMLElement>(selector)).filter((element) => element.getClientRects().length > 0 && !element.closest('details:not([open]) > :not(summary)'));
        return visible.map((element, index) => {
          element.dataset.control = String(index);
          const labelled = element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement ? (element.labels?.length ?? 0) > 0 : (element.textContent ?? '').trim() !== '';
          return { index, named: labelled || Boolean(element.getAttribute('aria-label') || element.getAttribute('aria-labelledby')), what: element.outerHTML.slice(0, 80) };
        });
      });
      expect({ path, unnamed: controls.filter((control) => !control.named).map((control) => control.what) }).toEqual({ path, unnamed: [] });
      const reached = new Set<string>();
      await admin.locator('body').focus();
      for (let press = 0; press < controls.length * 2 + 10; press++) {
        await admin.keyboard.press('Tab');
        const at = await admin.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.control);
        if (at !== undefined) reached.add(at);
      }
      expect({ path, missed: controls.filter((control) => !reached.has(String(control.index))).map((control) => control.what) }).toEqual({ path, missed: [] });
    }
    expect(pageErrors).toEqual([]);
  });

  it('reads well at 390 px wide in dark mode', async () => {
    const narrow = await (await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' })).newPage();
    watchErrors(narrow, 'narrow');
    await narrow.goto(`${stack.baseUrl}/console/sign-in`);
    await narrow.getByLabel('API key').fill(operatorKey);
    await narrow.getByLabel('API key').press('Enter');
    await narrow.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(narrow, 'console-inbox-390-dark');
    await narrow.locator('#inbox li a').first().click();
    await narrow.getByRole('heading', { level: 2, name: 'Transcript' }).waitFor();
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(narrow, 'console-conversation-390-dark');
    await narrow.goto(`${stack.baseUrl}/console/analytics`);
    await narrow.locator('body[data-charts="drawn"]').waitFor({ state: 'attached', timeout: 20_000 });
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(narrow, 'console-analytics-390-dark');
    await narrow.goto(`${stack.baseUrl}/console/bots/${stack.botId}`);
    await narrow.getByText('Only an admin may change a bot.').waitFor();
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(narrow, 'console-bot-390-dark');
    expect(pageErrors).toEqual([]);
  });
});
