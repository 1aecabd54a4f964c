/**
 * `npm run validate-config`: checks what the product needs before it runs — the environment, the
 * database, Temporal, every bot's channel credentials against the platform's own "who am I" call,
 * and the model key — and prints one line for each, with what to do when it fails. It never prints
 * a secret: at most a credential's last four characters. Exits 1 when any check fails.
 */
import { Connection } from '@temporalio/client';
import { sql } from 'kysely';
import OpenAI from 'openai';
import { type Config, ConfigError, loadConfig } from '../config';
import { openSecret } from '../crypto/secret-box';
import { createDb } from '../db/create-db';
import { migrations } from '../db/migrations';
import { listSealedChannels } from '../db/queries/channels';
import { type CheckResult, formatCheck, maskSecret, summary, withoutSecrets } from '../ops/check-report';
import { CREDENTIAL_CHECKS } from '../platforms/credential-checks';
import { MESSAGING_PLATFORMS, type MessagingPlatformName } from '../platforms/messaging-platform';

async function main(): Promise<number> {
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    process.stdout.write(`${formatCheck(result)}\n`);
  };

  let config: Config;
  try {
    config = loadConfig();
    report({ status: 'pass', name: 'environment', detail: 'every variable is valid' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) report({ status: 'fail', name: 'environment', detail: problem, fix: 'set it as docs/configuration.md says, then run this again' });
    process.stdout.write(`${summary(results)}\n`);
    return 1;
  }

  const channels = await checkDatabase(config, report);
  await checkTemporal(config, report);
  for (const channel of channels) await checkChannel(config, channel, report);
  await checkModel(config, report);
  process.stdout.write(`${summary(results)}\n`);
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}

interface Channel {
  botId: string;
  platform: MessagingPlatformName;
  credentials: Record<string, string>;
  /** Where the credentials are kept, for the fix. */
  source: 'environment' | 'database';
}

/** Connects, counts the applied migrations, and reads the bots' stored channels (opened with CHANNEL_ENCRYPTION_KEY). */
async function checkDatabase(config: Config, report: (r: CheckResult) => void): Promise<Channel[]> {
  const fromEnvironment: Channel[] = Object.entries(config.defaultBotChannels).map(([platform, credentials]) => ({
    botId: config.defaultBot.id,
    platform: platform as MessagingPlatformName,
    credentials: credentials as Record<string, string>,
    source: 'environment',
  }));
  if (!config.databaseUrl) {
    report({ status: 'skip', name: 'database', detail: 'DATABASE_URL is not set: npm start runs an embedded PostgreSQL; bots stored there are not checked' });
    return fromEnvironment;
  }
  const db = createDb({ connectionString: config.databaseUrl, maxConnections: 2 });
  const where = redactedUrl(config.databaseUrl);
  try {
    await sql`select 1`.execute(db);
    const applied = await sql<{ n: string }>`select count(*) as n from kysely_migration`.execute(db).then((r) => Number(r.rows[0]?.n ?? 0)).catch(() => 0);
    const known = Object.keys(migrations).length;
    if (applied < known) {
      report({ status: 'fail', name: 'database', detail: `${where}: ${applied} of ${known} migrations applied`, fix: 'run npm run migrate (npm start does it too)' });
      return fromEnvironment;
    }
    report({ status: 'pass', name: 'database', detail: `${where}: connected, ${known} migrations applied` });
    const stored: Channel[] = [];
    for (const platform of MESSAGING_PLATFORMS) {
      for (const { botId, sealed } of await listSealedChannels(db, { platform })) {
        try {
          stored.push({ botId, platform, credentials: JSON.parse(openSecret(config.channelEncryptionKey, sealed)), source: 'database' });
        } catch {
          report({ status: 'fail', name: `${platform} for bot ${botId}`, detail: 'the stored credentials cannot be opened', fix: 'CHANNEL_ENCRYPTION_KEY is not the key they were sealed with: set the old key, or store the channel again with PUT /v1/bots/:botId/channels/:platform' });
        }
      }
    }
    // A bot's stored channel is the one in use; the environment's is for the default bot when none is stored.
    return [...stored, ...fromEnvironment.filter((e) => !stored.some((s) => s.botId === e.botId && s.platform === e.platform))];
  } catch (error) {
    report({ status: 'fail', name: 'database', detail: `${where}: ${error instanceof Error ? error.message : String(error)}`, fix: 'check DATABASE_URL (host, port, user, password, database) and that PostgreSQL is running' });
    return fromEnvironment;
  } finally {
    await db.destroy();
  }
}

async function checkTemporal(config: Config, report: (r: CheckResult) => void): Promise<void> {
  const { address, namespace } = config.temporal;
  if (!address) {
    report({ status: 'skip', name: 'Temporal', detail: 'TEMPORAL_ADDRESS is not set: npm start runs the Temporal dev server' });
    return;
  }
  try {
    const connection = await Connection.connect({ address, connectTimeout: 5_000 });
    try {
      await connection.workflowService.describeNamespace({ namespace });
      report({ status: 'pass', name: 'Temporal', detail: `${address}, namespace "${namespace}"` });
    } finally {
      await connection.close();
    }
  } catch (error) {
    report({ status: 'fail', name: 'Temporal', detail: `${address}, namespace "${namespace}": ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, fix: 'check TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, and that the namespace exists (temporal operator namespace create)' });
  }
}

async function checkChannel(config: Config, channel: Channel, report: (r: CheckResult) => void): Promise<void> {
  const name = `${channel.platform} for bot ${channel.botId}`;
  const secrets = Object.values(channel.credentials);
  const shown = Object.entries(channel.credentials).map(([key, value]) => `${key} ${maskSecret(value)}`).join(', ');
  try {
    const check = await CREDENTIAL_CHECKS[channel.platform](channel.credentials, config.platformBaseUrls[channel.platform]);
    if (check.ok) report({ status: 'pass', name, detail: `${check.identity}` });
    else {
      const fix = channel.source === 'environment' ? `check the ${channel.platform.toUpperCase()}_* variables (${shown})` : `store the right credentials with PUT /v1/bots/${channel.botId}/channels/${channel.platform} (now: ${shown})`;
      report({ status: 'fail', name, detail: withoutSecrets(check.problem, secrets), fix });
    }
  } catch (error) {
    report({ status: 'fail', name, detail: withoutSecrets(`cannot reach the platform: ${error instanceof Error ? error.message : String(error)}`, secrets), fix: 'check the network, and the platform\'s API base URL variable if you set one' });
  }
}

async function checkModel(config: Config, report: (r: CheckResult) => void): Promise<void> {
  const { apiKey, baseUrl, model } = config.openai;
  if (!apiKey) {
    report({ status: 'skip', name: 'model', detail: 'OPENAI_API_KEY is not set: the built-in offline responder answers' });
    return;
  }
  try {
    const client = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0, timeout: 10_000 });
    const ids: string[] = [];
    for await (const entry of client.models.list()) ids.push(entry.id);
    const known = ids.includes(model) ? `${model} is among its ${ids.length} models` : `it lists ${ids.length} models, not ${model}: set OPENAI_MODEL or the bot's model to one it has`;
    report({ status: 'pass', name: 'model', detail: `${baseUrl ?? 'https://api.openai.com/v1'} accepts the key (${maskSecret(apiKey)}); ${known}` });
  } catch (error) {
    report({ status: 'fail', name: 'model', detail: withoutSecrets(`${baseUrl ?? 'https://api.openai.com/v1'}: ${error instanceof Error ? error.message : String(error)}`, [apiKey]), fix: `check OPENAI_API_KEY (${maskSecret(apiKey)}) and OPENAI_BASE_URL` });
  }
}

/** A database URL without its password. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`validate-config itself failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
