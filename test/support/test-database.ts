import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { readTestRun } from './test-run';

/** A database of its own for one test file, copied from the migrated template in milliseconds. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const run = readTestRun();
  const name = `test_${randomBytes(6).toString('hex')}`;
  const templateName = new URL(run.templateDatabaseUrl).pathname.slice(1);
  await withAdminClient(run.adminDatabaseUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`));
  const url = run.templateDatabaseUrl.replace(/\/[^/]+$/, `/${name}`);
  return {
    url,
    drop: () => withAdminClient(run.adminDatabaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdminClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
