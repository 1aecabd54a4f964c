import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { BotDirectory } from '../../bots/bot-directory';
import type { AppEnv } from '../app-env';
import { requireBot } from '../message-acceptance';

const TEMPLATE = readFileSync(join(__dirname, '..', 'pages', 'chat.html'), 'utf8');

const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** `GET /chat/:botId`: the web chat page, for people. */
export function createChatPageRoutes({ bots }: { bots: BotDirectory }) {
  const app = new Hono<AppEnv>();
  app.get('/:botId', async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    const html = TEMPLATE.replaceAll('{{BOT_ID_JSON}}', JSON.stringify(bot.id).replaceAll('<', '\\u003c')).replaceAll(
      '{{BOT_NAME_HTML}}',
      escapeHtml(bot.name),
    );
    return c.html(html, 200, PAGE_HEADERS);
  });
  return app;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
