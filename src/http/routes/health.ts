import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';
import { serveRoute } from '../openapi/serve-route';

const CheckSchema = z.object({ ok: z.boolean(), error: z.string().optional() });

const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: CheckSchema, temporal: CheckSchema }),
    circuitBreakers: z
      .record(z.string(), z.enum(['closed', 'open', 'half-open']))
      .optional()
      .openapi({ description: "This process's circuit breakers (the model, each platform), when it runs a worker. An open one does not make it unready: messages wait, they are not lost." }),
  })
  .openapi('Readiness', { example: { status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } } });
type Readiness = z.infer<typeof ReadinessSchema>;

const liveRoute = createRoute({
  method: 'get',
  path: '/live',
  tags: ['health'],
  summary: 'Liveness',
  description: 'The process runs. Checks nothing else.',
  responses: {
    200: { description: 'Alive.', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }), example: { status: 'ok' } } } },
  },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['health'],
  summary: 'Readiness',
  description: 'Postgres and Temporal both answer within the check timeout.',
  responses: {
    200: { description: 'Ready.', content: { 'application/json': { schema: ReadinessSchema } } },
    503: {
      description: 'A dependency does not answer; `checks` says which.',
      content: {
        'application/json': {
          schema: ReadinessSchema,
          example: { status: 'not_ready', checks: { database: { ok: true }, temporal: { ok: false, error: 'no answer within 2000 ms' } } },
        },
      },
    },
  },
});

export interface HealthRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
  /** How long each dependency may take to answer. Default 2 s. */
  checkTimeoutMs?: number;
  /** The circuit breakers of a worker in the same process (`npm start`). */
  circuitBreakers?: () => Record<string, 'closed' | 'open' | 'half-open'>;
}

/** Liveness says the process runs; readiness says it can do its job, and which dependency cannot. */
export function createHealthRoutes({ db, temporal, checkTimeoutMs = 2_000, circuitBreakers }: HealthRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();

  serveRoute(app, liveRoute, (c) => c.json({ status: 'ok' }));

  serveRoute(app, readyRoute, async (c) => {
    const [database, temporalCheck] = await Promise.all([
      check(checkTimeoutMs, () => sql`select 1`.execute(db)),
      check(checkTimeoutMs, () =>
        temporal.withDeadline(Date.now() + checkTimeoutMs, () => temporal.workflowService.getSystemInfo({})),
      ),
    ]);
    const ready = database.ok && temporalCheck.ok;
    const breakers = circuitBreakers?.();
    const readiness: Readiness = {
      status: ready ? 'ready' : 'not_ready',
      checks: { database, temporal: temporalCheck },
      ...(breakers && Object.keys(breakers).length > 0 && { circuitBreakers: breakers }),
    };
    return c.json(readiness, ready ? 200 : 503);
  });

  return app;
}

async function check(timeoutMs: number, probe: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
