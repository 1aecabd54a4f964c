import { Hono } from 'hono';
import type { Metrics } from '../../metrics/metrics';
import type { AppEnv } from '../app-env';

/** `GET /metrics`: the Prometheus text format, for a scraper inside the cluster. */
export function createMetricsRoutes({ metrics }: { metrics: Metrics }) {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
  return app;
}
