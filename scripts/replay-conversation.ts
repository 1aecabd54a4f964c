/**
 * Replays a conversation's recorded history against the workflow code in this checkout, to check
 * that a change is safe for the conversations already running (or to debug one step by step).
 *
 *   npm run replay -- --workflow-id 'conversation:default:webchat:abc'   # fetched from TEMPORAL_ADDRESS
 *   npm run replay -- --file history.json                                  # downloaded from the Web UI
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../src/telemetry/tracing';
import { WORKFLOWS_PATH } from '../src/temporal/workflow-bundle';
import { createDataConverter } from '../src/temporal/data-converter';
import { loadConfig } from '../src/config';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { values } = parseArgs({ options: { 'workflow-id': { type: 'string' }, 'run-id': { type: 'string' }, file: { type: 'string' } } });
  const workflowId = values['workflow-id'];
  if (!workflowId && !values.file) {
    throw new Error('Name the history: --workflow-id <id> (fetched from TEMPORAL_ADDRESS) or --file <history.json>.');
  }
  const history = values.file ? JSON.parse(readFileSync(values.file, 'utf8')) : await fetchHistory(workflowId!, values['run-id']);
  const events = Array.isArray(history.events) ? history.events.length : 0;
  process.stdout.write(`Replaying ${events} events of ${workflowId ?? values.file} against this checkout's workflows…\n`);
  await Worker.runReplayHistory(
    {
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
      // The key the history was written with (TEMPORAL_PAYLOAD_KEY, or this DATA_DIR's).
      dataConverter: createDataConverter(loadConfig().temporal.payloadKey),
    },
    history,
    workflowId ?? 'replayed-from-file',
  );
  process.stdout.write('Replay succeeded: this code makes the same decisions the recorded run made.\n');
}

async function fetchHistory(workflowId: string, runId: string | undefined) {
  const address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const connection = await Connection.connect({ address }).catch((error: Error) => {
    throw new Error(`Cannot reach Temporal at ${address} (${error.message}). Set TEMPORAL_ADDRESS, or pass --file.`);
  });
  try {
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
    return await client.workflow.getHandle(workflowId, runId).fetchHistory();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const hint = name === 'DeterminismViolationError' ? '\nThis change is not replay-safe: guard it with patched() (see workflows/).' : '';
  process.stderr.write(`Replay failed: ${message}${hint}\n`);
  process.exit(1);
});
