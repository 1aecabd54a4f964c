/**
 * Registers this app's search attributes (workflows/search-attributes.ts) on a Temporal cluster, so
 * workflows can upsert them and operators can filter by them in the Web UI. Idempotent: run it on
 * every deploy. `npm start` needs none of this; its dev server registers them itself.
 *
 * Usage: TEMPORAL_ADDRESS=host:7233 [TEMPORAL_NAMESPACE=default] npm run temporal:setup [-- --wait 120]
 *   --wait <seconds>  keep trying that long while the server is unreachable or the namespace does not
 *                     exist yet (for a job that starts alongside the cluster). Default 0: try once.
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import {
  NamespaceNotFoundError,
  registerSearchAttributes,
  type RegisterSearchAttributesResult,
} from '../src/temporal/register-search-attributes';

const RETRY_INTERVAL_MS = 2_000;

async function main(): Promise<void> {
  const { address, namespace, waitSeconds } = readSettings();
  const deadline = Date.now() + waitSeconds * 1000;
  say(`Registering ${CONVERSATION_SEARCH_ATTRIBUTES.length} search attributes on ${address}, namespace "${namespace}"`);

  for (let attempt = 1; ; attempt++) {
    try {
      const result = await registerOnce(address, namespace);
      say(summary(result, namespace));
      return;
    } catch (error) {
      const retryable = error instanceof NamespaceNotFoundError || isUnreachable(error);
      if (!retryable || Date.now() + RETRY_INTERVAL_MS > deadline) throw explain(error, address, waitSeconds);
      say(`Not ready yet (attempt ${attempt}): ${firstLine(error)}; retrying for up to ${Math.ceil((deadline - Date.now()) / 1000)} s`);
      await sleep(RETRY_INTERVAL_MS);
    }
  }
}

function readSettings(): { address: string; namespace: string; waitSeconds: number } {
  const { values } = parseArgs({ options: { wait: { type: 'string', default: '0' } }, strict: true });
  const waitSeconds = Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    throw new Error(`--wait must be a number of seconds, not "${values.wait}"`);
  }
  const address = process.env.TEMPORAL_ADDRESS?.trim();
  if (!address) {
    throw new Error(
      'TEMPORAL_ADDRESS is not set. Point it at your cluster\'s frontend, for example ' +
        'TEMPORAL_ADDRESS=temporal-frontend:7233 npm run temporal:setup',
    );
  }
  const namespace = process.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  return { address, namespace, waitSeconds };
}

async function registerOnce(address: string, namespace: string): Promise<RegisterSearchAttributesResult> {
  const connection = await Connection.connect({ address, connectTimeout: '5 seconds' });
  try {
    return await registerSearchAttributes({
      connection,
      namespace,
      attributes: CONVERSATION_SEARCH_ATTRIBUTES,
      onProgress: (line) => say(`  ${line}`),
    });
  } finally {
    await connection.close();
  }
}

function summary({ added, present }: RegisterSearchAttributesResult, namespace: string): string {
  if (added.length === 0) return `Nothing to do: all ${present.length} search attributes exist in "${namespace}".`;
  return `Done: registered ${added.join(', ')}${present.length ? `; ${present.length} already existed` : ''}.`;
}

/** The connection could not be made or the server could not answer: worth waiting for. */
function isUnreachable(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /UNAVAILABLE|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|DEADLINE_EXCEEDED|Failed to connect|connect timeout/i.test(message);
}

function explain(error: unknown, address: string, waitSeconds: number): Error {
  if (!isUnreachable(error)) return error instanceof Error ? error : new Error(String(error));
  const waited = waitSeconds > 0 ? ` after waiting ${waitSeconds} s` : '';
  return new Error(
    `Could not reach Temporal at ${address}${waited}: ${firstLine(error)}\n` +
      'Check that TEMPORAL_ADDRESS names the frontend (host:port, usually port 7233) and that the server is up.' +
      (waitSeconds > 0 ? '' : ' To wait for a server that is still starting, add -- --wait 120.'),
  );
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`temporal:setup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
