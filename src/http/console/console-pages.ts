/**
 * The console's pages, rendered on the server with hono's `html` template, which escapes every
 * value put into it: nothing a person wrote is ever read as markup. No inline script anywhere.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Actor } from '../../auth/roles';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>${title} · Chat orchestrator console</title>
    <link rel="stylesheet" href="/console/assets/console.css" />
    <link rel="icon" href="/console/assets/icon.svg" type="image/svg+xml" />
  </head>
  <body>
    ${body}
  </body>
</html>`;
}

export function signInPage(args: { problem?: string } = {}): Html {
  return layout(
    'Sign in',
    html`<main class="narrow">
      <h1>Sign in to the console</h1>
      <p>Use an API key: an admin creates one with <code>POST /v1/api-keys</code>, or use <code>ADMIN_API_KEY</code>.</p>
      ${args.problem ? html`<p class="problem" role="alert">${args.problem}</p>` : ''}
      <form method="post" action="/console/sign-in">
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required autofocus />
        <button type="submit">Sign in</button>
      </form>
    </main>`,
  );
}

export interface InboxRow {
  id: string;
  botId: string;
  platform: string;
  chatId: string;
  status: string;
  lastMessageAt: Date | null;
  lastText: string | null;
}

export function inboxPage(args: { actor: Actor; csrfToken: string; conversations: InboxRow[] }): Html {
  const { actor, csrfToken, conversations } = args;
  const scope = actor.bots ? `bots ${actor.bots.join(', ')}` : 'every bot';
  return layout(
    'Inbox',
    html`<header class="bar">
        <strong>Console</strong>
        <span>${actor.name} · ${actor.role} · ${scope}</span>
        <form method="post" action="/console/sign-out">
          <input type="hidden" name="csrf" value="${csrfToken}" />
          <button type="submit">Sign out</button>
        </form>
      </header>
      <main>
        <h1>Inbox</h1>
        ${conversations.length === 0
          ? html`<p>No conversations yet.</p>`
          : html`<table>
              <caption class="visually-hidden">Conversations, most recent first</caption>
              <thead><tr><th scope="col">Bot</th><th scope="col">Platform</th><th scope="col">Chat</th><th scope="col">Status</th><th scope="col">Last message</th><th scope="col">When</th></tr></thead>
              <tbody>
                ${conversations.map(
                  (c) => html`<tr>
                    <td>${c.botId}</td><td>${c.platform}</td><td>${c.chatId}</td>
                    <td><span class="status status-${c.status}">${c.status}</span></td>
                    <td class="text">${c.lastText ?? ''}</td>
                    <td>${c.lastMessageAt ? c.lastMessageAt.toISOString().replace('T', ' ').slice(0, 16) : ''}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </main>`,
  );
}
