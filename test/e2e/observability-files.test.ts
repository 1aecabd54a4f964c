import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack, type TestStack } from '../support/test-stack';

const DEPLOYMENT = join(__dirname, '..', '..', 'deployment');
/** Metrics the rules use that come from elsewhere: Temporal's server, a blackbox probe, Prometheus itself. */
const EXTERNAL = new Set(['approximate_backlog_count', 'probe_success', 'up']);

/** Every metric name an expression names, without the histogram suffixes Prometheus adds. */
function metricNames(text: string): string[] {
  const names = [...text.matchAll(/\b([a-z_][a-z0-9_]*)(?=\s*[{[(]|\s*[><=!]|\s*\)|\s*$)/gm)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => n.startsWith('chat_') || EXTERNAL.has(n)).map((n) => (EXTERNAL.has(n) ? n : n.replace(/_(bucket|sum|count)$/, ''))))];
}

describe('the alert rules and the dashboard', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it('name only metrics that GET /metrics serves, and the few that come from Temporal and probes', async () => {
    const served = new Set([...(await (await fetch(`${stack.baseUrl}/metrics`)).text()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
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
    for (const metric of ['chat_send_failures_total', 'chat_replies_total', 'chat_db_pool_connections', 'chat_circuit_open', 'approximate_backlog_count', 'probe_success']) expect(named).toContain(metric);
  });
});
