import { Hono } from 'hono';
import type { Metrics } from '../metrics/metrics';
import { createMetricsRoutes } from './routes/metrics';

/**
 * What a worker-only process serves on `METRICS_PORT`: its metrics for Prometheus, a liveness
 * probe that fails once the worker stops running (a fatal error, or a shutdown in progress), and
 * readiness with this worker's circuit breakers. An open breaker leaves the worker ready: its
 * messages wait for the dependency, and no other worker would fare better.
 */
export function createWorkerStatusApp({ metrics, isRunning, circuitBreakers }: { metrics: Metrics; isRunning: () => boolean; circuitBreakers: () => Record<string, 'closed' | 'open' | 'half-open'> }) {
  const app = new Hono();
  app.route('/metrics', createMetricsRoutes({ metrics }));
  app.get('/health/live', (c) => (isRunning() ? c.json({ status: 'ok' }) : c.json({ status: 'not_running' }, 503)));
  app.get('/health/ready', (c) => {
    const running = isRunning();
    return c.json({ status: running ? 'ready' : 'not_running', circuitBreakers: circuitBreakers() }, running ? 200 : 503);
  });
  return app;
}
