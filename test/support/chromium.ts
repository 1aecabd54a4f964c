import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** The system's Chromium (Debian's `chromium`), never a downloaded one; undefined when absent. */
export const CHROMIUM_PATH = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  .filter((path): path is string => Boolean(path))
  .find((path) => existsSync(path));

/** Where browser tests leave their screenshots, for a look after the run (.data is gitignored). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '.data', 'test-run');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH!,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
