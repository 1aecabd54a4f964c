import type { Context } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { cors } from 'hono/cors';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readJsonBody } from '../json-body';
import type { RateCounter } from '../middleware/rate-limit';
import { errorResponses } from '../openapi/error-responses';
import { serveRoute } from '../openapi/serve-route';

/** Temporal's codec server protocol: payloads as protobuf JSON, bytes in base64. */
const PayloadsSchema = z
  .object({
    payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })).max(1000),
  })
  .openapi('Payloads', { example: { payloads: [{ metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' }, data: 'q83v…' }] } });

function codecRoute(action: 'decode' | 'encode') {
  return createRoute({
    method: 'post',
    path: `/{token}/${action}`,
    tags: ['temporal'],
    summary: action === 'decode' ? 'Decode payloads for the Temporal Web UI' : 'Encode payloads for the Temporal Web UI',
    description:
      'The codec server the Temporal Web UI and CLI call (`--codec-endpoint <url>/codec/<token>`) to show encrypted history ' +
      'payloads as text. `token` is TEMPORAL_CODEC_UI_TOKEN (generated per DATA_DIR in development); CORS allows TEMPORAL_CODEC_ALLOWED_ORIGINS.',
    request: {
      params: z.object({ token: z.string().openapi({ example: 'dGhpcy1pcy1ub3QtYS1yZWFsLXRva2Vu' }) }),
      body: { required: true, content: { 'application/json': { schema: PayloadsSchema } } },
    },
    responses: {
      200: { description: 'The payloads, transformed.', content: { 'application/json': { schema: PayloadsSchema } } },
      ...errorResponses({
        400: 'The body is not a list of payloads.',
        404: 'No codec route with this token (or the codec is off).',
        415: 'The body is not JSON.',
        429: 'Too many wrong tokens from this address.',
      }),
    },
  });
}

export interface CodecRoutesDeps {
  codec: PayloadCodec | undefined;
  uiToken: string | undefined;
  allowedOrigins: string[];
  /** Wrong tokens count as failed authentication, like wrong API keys. */
  failures: RateCounter;
  clientAddress: (c: Context<AppEnv>) => string | undefined;
}

/** `/codec/<token>/decode|encode`: lets the Temporal Web UI read the encrypted history it shows. */
export function createCodecRoutes({ codec, uiToken, allowedOrigins, failures, clientAddress }: CodecRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', cors({ origin: allowedOrigins, allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization'], allowMethods: ['POST'] }));
  const expected = uiToken ? Buffer.from(uiToken) : undefined;

  for (const action of ['decode', 'encode'] as const) {
    serveRoute(app, codecRoute(action), async (c) => {
      const address = clientAddress(c) ?? 'unknown';
      await failures.check(c, address);
      const offered = Buffer.from(c.req.param('token'));
      if (!codec || !expected || offered.length !== expected.length || !timingSafeEqual(offered, expected)) {
        await failures.hit(c, address);
        throw new AppError('not_found', 'No codec route here: check TEMPORAL_CODEC_UI_TOKEN, and that TEMPORAL_PAYLOAD_KEY is not off.');
      }
      const { payloads } = await readJsonBody(c, PayloadsSchema);
      const decoded = payloads.map((payload) => temporal.api.common.v1.Payload.fromObject(payload) as Payload);
      const transformed = action === 'decode' ? await codec.decode(decoded) : await codec.encode(decoded);
      return c.json({ payloads: transformed.map((payload) => temporal.api.common.v1.Payload.toObject(payload as temporal.api.common.v1.Payload, { bytes: String })) });
    });
  }
  return app;
}
