import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { Metrics } from '../../metrics/metrics';
import type { AppEnv } from '../app-env';

/**
 * Counts and times every request by its route pattern (`/v1/bots/:botId`, never the raw path, so
 * ids do not multiply the series). Webhooks are also timed by platform: that is the number a
 * platform's retry timer watches.
 */
export function httpMetrics(metrics: Metrics, knownPlatforms: readonly string[]) {
  return createMiddleware<AppEnv>(async function httpMetrics(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const status = String(c.res.status);
    // The last matched handler's pattern; '*' alone means no route matched.
    const pattern = routePath(c, -1);
    const route = pattern === '/*' || pattern === '*' ? 'unmatched' : pattern;
    metrics.httpRequests.inc({ method: c.req.method, route, status });
    metrics.httpRequestDuration.observe({ method: c.req.method, route }, seconds);
    const platform = webhookPlatform(c.req.path);
    if (platform && knownPlatforms.includes(platform)) metrics.webhookAckDuration.observe({ platform, status }, seconds);
  });
}

function webhookPlatform(path: string): string | undefined {
  const match = /^\/webhooks\/([^/]+)\//.exec(path);
  return match?.[1];
}
