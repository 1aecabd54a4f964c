/**
 * Webhook acknowledgement latency per platform: from sending a signed webhook to its 2xx, which
 * the server gives only once Temporal holds the message. Starts its own servers; needs nothing else.
 *
 *   npm run bench:webhooks -- --requests 500
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startFakePlatformApi } from '../test/fakes/fake-platform-api';
import { createDiscordKeys, discordHeaders, metaHeaders, slackHeaders, telegramHeaders } from '../test/fakes/webhook-signers';
import { startStack } from '../test/support/test-stack';
import { startBenchServers } from './support/bench-servers';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '500' }, chats: { type: 'string', default: '50' } } });
const REQUESTS = Number(values.requests);
const CHATS = Number(values.chats);

const SECRETS = { telegram: 'tg-secret', slack: 'slack-signing-secret', meta: 'meta-app-secret' };
const discordKeys = createDiscordKeys();

/** A documented text message for each platform, the n-th of the run, in one of `CHATS` chats. */
const WEBHOOKS: Record<string, (n: number) => { body: string; headers: Record<string, string> }> = {
  telegram: (n) => {
    const body = JSON.stringify({
      update_id: 100_000 + n,
      message: { message_id: n, date: 1_700_000_000, chat: { id: 5000 + (n % CHATS), type: 'private' }, from: { id: 5000 + (n % CHATS), is_bot: false, first_name: 'Ada' }, text: `hello ${n}` },
    });
    return { body, headers: telegramHeaders(SECRETS.telegram) };
  },
  slack: (n) => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: `Ev${n}`,
      event_time: 1_700_000_000,
      authorizations: [{ user_id: 'UBOT', is_bot: true }],
      event: { type: 'message', channel_type: 'im', channel: `D${n % CHATS}`, user: 'U1', text: `hello ${n}`, ts: `1700000000.${String(n).padStart(6, '0')}` },
    });
    return { body, headers: slackHeaders(SECRETS.slack, body) };
  },
  discord: (n) => {
    const body = JSON.stringify({
      type: 2,
      id: `${9_000_000 + n}`,
      application_id: '1',
      token: `interaction-token-${n}`,
      channel_id: `${7000 + (n % CHATS)}`,
      member: { user: { id: '42', username: 'ada' } },
      data: { id: '1', name: 'ask', type: 1, options: [{ name: 'text', type: 3, value: `hello ${n}` }] },
    });
    return { body, headers: discordHeaders(discordKeys.privateKey, body) };
  },
  messenger: (n) => {
    const psid = `${6000 + (n % CHATS)}`;
    const body = JSON.stringify({
      object: 'page',
      entry: [{ id: 'PAGE', time: 1_700_000_000, messaging: [{ sender: { id: psid }, recipient: { id: 'PAGE' }, timestamp: 1_700_000_000, message: { mid: `m_${n}`, text: `hello ${n}` } }] }],
    });
    return { body, headers: metaHeaders(SECRETS.meta, body) };
  },
  whatsapp: (n) => {
    const from = `1555000${String(n % CHATS).padStart(4, '0')}`;
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550001111', phone_number_id: 'PNID' },
        contacts: [{ wa_id: from, profile: { name: 'Ada' } }],
        messages: [{ from, id: `wamid.${n}`, timestamp: '1700000000', type: 'text', text: { body: `hello ${n}` } }],
      } }] }],
    });
    return { body, headers: metaHeaders(SECRETS.meta, body) };
  },
};

async function main(): Promise<void> {
  const logger = pino({ level: 'warn' });
  process.stderr.write('Starting Temporal and PostgreSQL…\n');
  const servers = await startBenchServers(logger);
  // One fake for every platform's send API: the benchmark measures acknowledgements, not sends.
  const platformApi = await startFakePlatformApi(() => ({
    status: 200,
    json: { ok: true, result: { message_id: 1 }, ts: '1.0', id: '1', message_id: 'm', recipient_id: 'r', messages: [{ id: 'wamid.sent' }] },
  }));
  const stack = await startStack(servers, {
    env: {
      TELEGRAM_BOT_TOKEN: '1:token', TELEGRAM_SECRET_TOKEN: SECRETS.telegram, TELEGRAM_API_BASE_URL: platformApi.baseUrl,
      SLACK_BOT_TOKEN: 'xoxb-token', SLACK_SIGNING_SECRET: SECRETS.slack, SLACK_API_BASE_URL: platformApi.baseUrl,
      DISCORD_APPLICATION_ID: '1', DISCORD_PUBLIC_KEY: discordKeys.publicKeyHex, DISCORD_BOT_TOKEN: 'discord-token', DISCORD_API_BASE_URL: platformApi.baseUrl,
      MESSENGER_PAGE_ACCESS_TOKEN: 'page-token', MESSENGER_APP_SECRET: SECRETS.meta, MESSENGER_VERIFY_TOKEN: 'verify',
      WHATSAPP_ACCESS_TOKEN: 'wa-token', WHATSAPP_PHONE_NUMBER_ID: 'PNID', WHATSAPP_APP_SECRET: SECRETS.meta, WHATSAPP_VERIFY_TOKEN: 'verify',
      META_GRAPH_BASE_URL: platformApi.baseUrl,
    },
  });
  try {
    const rows: string[] = [];
    for (const [platform, webhook] of Object.entries(WEBHOOKS)) {
      const latencies: number[] = [];
      let errors = 0;
      for (let n = 0; n < REQUESTS; n++) {
        const { body, headers } = webhook(n);
        const started = performance.now();
        const response = await fetch(`${stack.baseUrl}/webhooks/${platform}/${stack.botId}`, { method: 'POST', headers, body });
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        if (!response.ok) errors++;
        if (n % 25 === 0 || n === REQUESTS - 1) process.stderr.write(`\r  ${platform.padEnd(10)} ${n + 1}/${REQUESTS}`);
      }
      process.stderr.write('\n');
      rows.push(`| ${platform} | ${REQUESTS} | ${quantile(latencies, 0.5)} | ${quantile(latencies, 0.99)} | ${errors} |`);
    }
    process.stdout.write(
      ['', `Webhook acknowledgement latency, ${REQUESTS} signed requests per platform, sequential, ${CHATS} chats`, '',
        '| platform | requests | p50 ms | p99 ms | non-2xx |', '|---|---|---|---|---|', ...rows, ''].join('\n'),
    );
  } finally {
    await stack.close();
    await platformApi.close();
    await servers.stop();
  }
}

function quantile(values: number[], q: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
