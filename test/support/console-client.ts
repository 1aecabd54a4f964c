import { TEST_ADMIN_KEY } from './test-stack';

/** A browser's view of the console over fetch: a session cookie, the CSRF token of the last page, forms. */
export interface ConsoleClient {
  cookie: string;
  csrf: string;
  get(path: string): Promise<{ status: number; html: string; location: string | null; headers: Headers }>;
  post(path: string, fields?: Record<string, string>, options?: { csrf?: string | null; origin?: string }): Promise<{ status: number; location: string | null; flash: string | null; html: string }>;
}

/** Signs in with `key` (the admin key by default) and returns the signed-in client. */
export async function signInToConsole(baseUrl: string, key = TEST_ADMIN_KEY): Promise<ConsoleClient> {
  const response = await fetch(`${baseUrl}/console/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key, next: '/console/inbox' }),
    redirect: 'manual',
  });
  if (response.status !== 303) throw new Error(`Sign-in answered ${response.status}`);
  const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  const client: ConsoleClient = {
    cookie,
    csrf: '',
    async get(path) {
      const page = await fetch(`${baseUrl}${path}`, { headers: { cookie: client.cookie, accept: 'text/html' }, redirect: 'manual' });
      const html = await page.text();
      const token = /name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
      if (token) client.csrf = token;
      return { status: page.status, html, location: page.headers.get('location'), headers: page.headers };
    },
    async post(path, fields = {}, options = {}) {
      const csrf = options.csrf === undefined ? client.csrf : options.csrf;
      const body = new URLSearchParams({ ...fields, ...(csrf !== null && { _csrf: csrf }) });
      const answer = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...(options.origin && { origin: options.origin }) },
        body,
        redirect: 'manual',
      });
      const flash = answer.headers.getSetCookie().find((line) => line.startsWith('console_flash='));
      const text = flash ? decodeURIComponent(flash.split(';')[0]!.slice('console_flash='.length)) : null;
      return { status: answer.status, location: answer.headers.get('location'), flash: text && (JSON.parse(text) as { text: string }).text, html: await answer.text() };
    },
  };
  await client.get('/console/inbox');
  return client;
}
