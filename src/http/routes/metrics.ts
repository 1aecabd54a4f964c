import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Metrics } from '../../metrics/metrics';
import type { AppEnv } from '../app-env';
import { serveRoute } from '../openapi/serve-route';

const metricsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['health'],
  summary: 'Prometheus metrics',
  description: 'The app\'s metrics in the Prometheus text format (see the README\'s "Observability"). For a scraper inside the cluster.',
  responses: {
    200: {
      description: 'The current values.',
      content: {
        'text/plain; version=0.0.4': {
          schema: z.string(),
          example: '# HELP chat_messages_total Messages stored…\n# TYPE chat_messages_total counter\nchat_messages_total{direction="inbound",platform="telegram",bot="default"} 42\n',
        },
      },
    },
  },
});

/** `GET /metrics`: the Prometheus text format. */
export function createMetricsRoutes({ metrics }: { metrics: Metrics }) {
  const app = new OpenAPIHono<AppEnv>();
  serveRoute(app, metricsRoute, async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
  return app;
}
