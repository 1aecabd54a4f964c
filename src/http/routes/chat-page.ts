import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { BotDirectory } from '../../bots/bot-directory';
import type { AppEnv } from '../app-env';
import { requireBot } from '../message-acceptance';
import { errorResponses } from '../openapi/error-responses';
import { BotIdParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';

const TEMPLATE = readFileSync(join(__dirname, '..', 'pages', 'chat.html'), 'utf8');

const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data: https:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const chatPageRoute = createRoute({
  method: 'get',
  path: '/{botId}',
  tags: ['web chat'],
  summary: 'The web chat page',
  description: 'A page where a person chats with the bot; it uses the `/webchat` routes below.',
  request: { params: BotIdParamsSchema },
  responses: {
    200: { description: 'The page.', content: { 'text/html': { schema: z.string(), example: '<!doctype html>…' } } },
    ...errorResponses({ 404: 'No bot with this id.', 503: 'The bot cannot be looked up right now (`not_ready`); retry shortly.' }),
  },
});

/** `GET /chat/:botId`: the web chat page, for people. */
export function createChatPageRoutes({ bots }: { bots: BotDirectory }) {
  const app = new OpenAPIHono<AppEnv>();
  serveRoute(app, chatPageRoute, async (c) => {
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
