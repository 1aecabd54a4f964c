/**
 * Each platform's "who am I" call: what a set of credentials belongs to, asked of the platform
 * itself. `npm run validate-config` runs them, so a wrong token shows before the first reply fails.
 */
import type { MessagingPlatformName } from './messaging-platform';
import { GRAPH_API_VERSION } from './meta-graph';

export type CredentialCheck = { ok: true; identity: string } | { ok: false; problem: string };

/** A call that hangs is reported, not waited on. */
const CHECK_TIMEOUT_MS = 10_000;

type Credentials = Record<string, string>;

export const CREDENTIAL_CHECKS: Record<MessagingPlatformName, (credentials: Credentials, baseUrl: string) => Promise<CredentialCheck>> = {
  async telegram({ botToken }, baseUrl) {
    const answer = await getJson(`${baseUrl}/bot${botToken}/getMe`);
    if (answer.body?.ok) return { ok: true, identity: `@${answer.body.result.username} (bot id ${answer.body.result.id})` };
    return { ok: false, problem: `getMe answered ${answer.status} ${answer.body?.description ?? ''}`.trim() };
  },
  async slack({ botToken }, baseUrl) {
    const answer = await getJson(`${baseUrl.replace(/\/+$/, '')}/api/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${botToken}` } });
    if (answer.body?.ok) return { ok: true, identity: `${answer.body.user} in ${answer.body.team}` };
    return { ok: false, problem: `auth.test answered ${answer.body?.error ?? `HTTP ${answer.status}`}` };
  },
  async discord({ botToken }, baseUrl) {
    const answer = await getJson(`${baseUrl}/users/@me`, { headers: { authorization: `Bot ${botToken}` } });
    if (answer.status === 200 && answer.body?.id) return { ok: true, identity: `${answer.body.username} (application bot ${answer.body.id})` };
    return { ok: false, problem: `GET /users/@me answered ${answer.status} ${answer.body?.message ?? ''}`.trim() };
  },
  async messenger({ pageAccessToken }, baseUrl) {
    const answer = await getJson(`${graph(baseUrl)}/me?access_token=${encodeURIComponent(pageAccessToken!)}`);
    if (answer.status === 200 && answer.body?.id) return { ok: true, identity: `Page "${answer.body.name}" (${answer.body.id})` };
    return { ok: false, problem: `GET /me answered ${answer.status} ${answer.body?.error?.message ?? ''}`.trim() };
  },
  async whatsapp({ accessToken, phoneNumberId }, baseUrl) {
    const answer = await getJson(`${graph(baseUrl)}/${encodeURIComponent(phoneNumberId!)}`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (answer.status === 200 && answer.body?.id) return { ok: true, identity: `${answer.body.verified_name ?? 'number'} ${answer.body.display_phone_number ?? answer.body.id}` };
    return { ok: false, problem: `GET /${phoneNumberId} answered ${answer.status} ${answer.body?.error?.message ?? ''}`.trim() };
  },
};

const graph = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/${GRAPH_API_VERSION}`;

async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}
