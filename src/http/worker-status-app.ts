import { Hono } from 'hono';
import type { Metrics } from '../metrics/metrics';
import { createMetricsRoutes } from './routes/metrics';

/**
 * What a worker-only process serves on `METRICS_PORT`: its metrics for Prometheus, and a liveness
 * probe that fails once the worker stops running (a fatal error, or a shutdown in progress).
 */
export function createWorkerStatusApp({ metrics, isRunning }: { metrics: Metrics; isRunning: () => boolean }) {
  const app = new Hono();
  app.route('/metrics', createMetricsRoutes({ metrics }));
  app.get('/health/live', (c) => (isRunning() ? c.json({ status: 'ok' }) : c.json({ status: 'not_running' }, 503)));
  return app;
}
