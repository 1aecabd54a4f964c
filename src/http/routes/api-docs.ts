import { swaggerUI } from '@hono/swagger-ui';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import type { ApiDocument } from '../openapi/api-document';
import { serveRoute } from '../openapi/serve-route';

const documentRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['docs'],
  summary: 'This OpenAPI document',
  description: 'Generated from the zod schemas that validate each request. Public: no API key.',
  responses: {
    200: {
      description: 'The OpenAPI 3.1 document.',
      content: { 'application/json': { schema: z.object({ openapi: z.string() }).catchall(z.unknown()), example: { openapi: '3.1.0' } } },
    },
  },
});

const viewerRoute = createRoute({
  method: 'get',
  path: '/docs',
  tags: ['docs'],
  summary: 'Swagger UI',
  description: 'Browse and try the API. The page loads Swagger UI from the jsDelivr CDN. Public: no API key.',
  responses: {
    200: { description: 'The Swagger UI page.', content: { 'text/html': { schema: z.string(), example: '<!doctype html>…' } } },
  },
});

/** `GET /openapi.json` and `GET /docs`, for people and code generators; public. */
export function createApiDocsRoutes({ document }: { document: () => ApiDocument }) {
  const app = new OpenAPIHono<AppEnv>();
  serveRoute(app, documentRoute, (c) => c.json(document()));
  serveRoute(app, viewerRoute, swaggerUI({ url: '/openapi.json', title: 'Chat orchestrator API' }));
  return app;
}
