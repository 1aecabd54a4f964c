import { createWorkerStatusApp } from '../../src/http/worker-status-app';
import { createMetrics } from '../../src/metrics/metrics';

describe("a worker's status port", () => {
  it("shows its circuit breakers in /health/ready, ready while it runs even with one open, and not once it stops", async () => {
    let running = true;
    const app = createWorkerStatusApp({ metrics: createMetrics(), isRunning: () => running, circuitBreakers: () => ({ model: 'open', telegram: 'closed' }) });
    const ready = await app.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', circuitBreakers: { model: 'open', telegram: 'closed' } });
    running = false;
    const stopped = await app.request('/health/ready');
    expect(stopped.status).toBe(503);
    expect(await stopped.json()).toMatchObject({ status: 'not_running' });
  });
});
