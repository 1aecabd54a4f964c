import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Actor } from '../../../auth/roles';
import { CSRF_FIELD } from '../console-session';

export interface PageContext {
  actor: Actor;
  csrfToken: string;
  /** A message left by the previous action (the flash cookie). */
  flash?: { kind: 'error' | 'notice'; text: string } | undefined;
}

const NAV = [
  { href: '/console/inbox', label: 'Inbox', id: 'inbox' },
  { href: '/console/analytics', label: 'Analytics', id: 'analytics' },
  { href: '/console/bots', label: 'Bots', id: 'bots' },
  { href: '/console/audit', label: 'Audit', id: 'audit', admin: true },
] as const;

/** Every console page: the header with its navigation, the flash message and the page's own modules. */
export function Layout(props: { title: string; page?: PageContext; active?: string; scripts?: string[]; styles?: string[]; children: Child }) {
  const { page } = props;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <title>{`${props.title} · Console`}</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href="/console/assets/console.css" />
          {(props.styles ?? []).map((href) => (
            <link rel="stylesheet" href={href} />
          ))}
          {page && <meta name="csrf-token" content={page.csrfToken} />}
          {(props.scripts ?? []).map((src) => (
            <script type="module" src={src}></script>
          ))}
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          {page && (
            <header class="top">
              <nav aria-label="Console">
                <ul>
                  {NAV.filter((item) => !('admin' in item) || page.actor.role === 'admin').map((item) => (
                    <li>
                      <a href={item.href} aria-current={props.active === item.id ? 'page' : undefined}>
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              <div class="who">
                <span>
                  {page.actor.name} <span class="role">{page.actor.role}</span>
                </span>
                <form method="post" action="/console/sign-out">
                  <CsrfField token={page.csrfToken} />
                  <button type="submit" class="link">
                    Sign out
                  </button>
                </form>
              </div>
            </header>
          )}
          <main id="main">
            {page?.flash && (
              <p class={`flash ${page.flash.kind}`} role={page.flash.kind === 'error' ? 'alert' : 'status'}>
                {page.flash.text}
              </p>
            )}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

/** A button that posts to `action`: every change in the console is a form with its CSRF token. */
export function ActionButton(props: { action: string; label: string; csrfToken: string; kind?: 'primary' | 'danger'; fields?: Record<string, string> }) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField token={props.csrfToken} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.kind}>
        {props.label}
      </button>
    </form>
  );
}

/**
 * A labelled choice among `options` for a GET filter form; `any` names the option that leaves it
 * unset (absent when a value is required).
 */
export function SelectField(props: { name: string; label: string; options: readonly string[]; selected: string | undefined; any?: string }) {
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <select id={props.name} name={props.name}>
        {props.any !== undefined && <option value="">{props.any}</option>}
        {props.options.map((option) => (
          <option value={option} selected={props.selected === option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}
