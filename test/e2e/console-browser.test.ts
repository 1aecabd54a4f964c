import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { postApiMessage } from '../support/conversation-probes';
import { startTestStack, TEST_ADMIN_KEY, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path): path is string => Boolean(path) && existsSync(path!));
const describeIfChromium = executablePath ? describe : describe.skip;
const SHOTS = join(__dirname, '..', '..', '.data', 'test-run');

/** The console in Chromium: signing in by keyboard, the inbox, at desktop width and at 390 px in dark mode. */
describeIfChromium('console in a browser', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await postApiMessage(stack, 'browser-chat', 'm1', 'Where is my parcel?');
    await waitFor('the message stored', async () => (await stack.db.selectFrom('messages').select('id').where('text', '=', 'Where is my parcel?').executeTakeFirst()) !== undefined);
  });
  afterAll(() => stack?.close());

  it.each([
    ['desktop', { width: 1100, height: 700 }, 'light'],
    ['phone-dark', { width: 390, height: 800 }, 'dark'],
  ] as const)('signs in with the keyboard and shows the inbox (%s)', async (name, viewport, colorScheme) => {
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await (await browser.newContext({ viewport, colorScheme })).newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      await page.goto(`${stack.baseUrl}/console`);
      await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();
      await page.getByRole('cell', { name: 'Where is my parcel?' }).waitFor();
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `console-inbox-${name}.png`), fullPage: true });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
