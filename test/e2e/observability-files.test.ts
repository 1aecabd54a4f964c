import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { postApiMessage } from '../support/conversation-probes';
import { findFreePort } from '../support/free-port';
import { startTestStack, type TestStack } from '../support/test-stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const DEPLOYMENT = join(__dirname, '..', '..', 'deployment');
/** Metrics the rules use that no process of ours serves: a blackbox probe's, and Prometheus's own. */
const EXTERNAL = new Set(['probe_success', 'up']);

/** Every metric name an expression names, without the histogram suffixes Prometheus adds. */
function metricNames(text: string): string[] {
  const names = [...text.matchAll(/\b([a-z_][a-z0-9_]*)(?=\s*[{[(]|\s*[><=!]|\s*\)|\s*$)/gm)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => n.startsWith('chat_') || n.startsWith('temporal_') || EXTERNAL.has(n)).map((n) => (EXTERNAL.has(n) ? n : n.replace(/_(bucket|sum|count)$/, ''))))];
}

const servedNames = async (url: string) => new Set([...(await (await fetch(url)).text()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));

/**
 * The rules and the dashboard against what a deployment serves: the API's `/metrics`, and a
 * worker process (`npm run start:worker`) with its `METRICS_PORT` and the Temporal SDK's
 * `TEMPORAL_METRICS_PORT`, after it has answered a message.
 */
describe('the alert rules and the dashboard', () => {
  let stack: TestStack;
  let worker: WorkerProcess;
  let ports: { metrics: number; temporal: number };
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    ports = { metrics: await findFreePort(), temporal: await findFreePort() };
    worker = await startWorkerProcess(stack, { env: { METRICS_PORT: String(ports.metrics), TEMPORAL_METRICS_PORT: String(ports.temporal) } });
    const answer = await postApiMessage(stack, 'metrics-names', 'm1', 'hello', true);
    expect(answer.body.reply).toMatchObject({ status: 'replied' });
  }, 60_000);
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await stack?.close();
  });

  it('name only metrics that the API, the worker or the Temporal SDK serve, and the few that probes give', async () => {
    const served = new Set([
      ...(await servedNames(`${stack.baseUrl}/metrics`)),
      ...(await servedNames(`http://127.0.0.1:${ports.metrics}/metrics`)),
      ...(await servedNames(`http://127.0.0.1:${ports.temporal}/metrics`)),
    ]);
    const rules = readFileSync(join(DEPLOYMENT, 'alerts.yaml'), 'utf8');
    const dashboard = JSON.parse(readFileSync(join(DEPLOYMENT, 'grafana-dashboard.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const exprs = [...rules.matchAll(/^\s*expr: (.*)$/gm)].map((m) => m[1]!);
    const dashboardExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(7);
    expect(dashboardExprs.length).toBeGreaterThanOrEqual(10);

    const named = metricNames([...exprs, ...dashboardExprs].join('\n'));
    const missing = named.filter((name) => !EXTERNAL.has(name) && !served.has(name));
    expect({ missing }).toEqual({ missing: [] });
    // The rules cover what operators page on.
    for (const metric of ['chat_send_failures_total', 'chat_replies_total', 'chat_db_pool_connections', 'chat_circuit_open', 'temporal_workflow_task_schedule_to_start_latency', 'temporal_worker_task_slots_available', 'probe_success']) expect(named).toContain(metric);
  });

  it("serves the worker's pool, send latency and breakers on its own port", async () => {
    const text = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    expect(text).toMatch(/^chat_db_pool_connections\{state="in_use"\} \d+$/m);
    expect(text).toMatch(/^chat_db_pool_connections\{state="waiting"\} 0$/m);
    expect(text).toMatch(/^chat_circuit_open\{dependency="model"\} 0$/m);
    expect(text).toMatch(/^chat_send_duration_seconds_count\{platform="api",outcome="sent"\} 1$/m);
    expect(await (await fetch(`http://127.0.0.1:${ports.metrics}/health/ready`)).json()).toMatchObject({ status: 'ready', circuitBreakers: { model: 'closed' } });
  });

  it('finds the labels the backlog rules select on in the Temporal SDK metrics, in seconds', async () => {
    const text = await (await fetch(`http://127.0.0.1:${ports.temporal}/metrics`)).text();
    expect(text).toMatch(new RegExp(`^temporal_workflow_task_schedule_to_start_latency_bucket\\{[^}]*task_queue="${stack.config.temporal.taskQueue}"[^}]*le="0\\.\\d+"`, 'm'));
    expect(text).toMatch(/^temporal_worker_task_slots_available\{[^}]*worker_type="WorkflowWorker"[^}]*\} \d+$/m);
  });
});
