import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import type { ApiDocument } from '../openapi/api-document';
import { errorResponses } from '../openapi/error-responses';
import { serveRoute } from '../openapi/serve-route';

const PAGES = join(__dirname, '..', 'pages');
// swagger-ui-dist is pinned to an exact version in package.json, and served from node_modules:
// the page works offline, and what it runs is what was installed.
const SWAGGER_UI = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, { path: string; type: string }> = {
  'swagger-ui.css': { path: join(SWAGGER_UI, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { path: join(SWAGGER_UI, 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  'api-docs.js': { path: join(PAGES, 'api-docs.js'), type: 'text/javascript; charset=utf-8' },
};
const PAGE = readFileSync(join(PAGES, 'api-docs.html'), 'utf8');
// Scripts and styles from this server only; Swagger UI sets inline styles on its elements.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

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
  description: 'Browse and try the API. Swagger UI is served by this server, so the page works offline. Public: no API key.',
  responses: {
    200: { description: 'The Swagger UI page.', content: { 'text/html': { schema: z.string(), example: '<!doctype html>…' } } },
  },
});

const assetRoute = createRoute({
  method: 'get',
  path: '/docs/assets/{file}',
  tags: ['docs'],
  summary: 'Swagger UI\'s script and style sheet',
  description: 'The files the Swagger UI page loads, from the installed `swagger-ui-dist`. Public: no API key.',
  request: { params: z.object({ file: z.string().openapi({ example: 'swagger-ui.css' }) }) },
  responses: {
    200: { description: 'The file.', content: { 'text/css': { schema: z.string(), example: '.swagger-ui{…}' } } },
    ...errorResponses({ 404: 'No such file.' }),
  },
});

/** `GET /openapi.json` and `GET /docs`, for people and code generators; public. */
export function createApiDocsRoutes({ document }: { document: () => ApiDocument }) {
  const app = new OpenAPIHono<AppEnv>();
  serveRoute(app, documentRoute, (c) => c.json(document()));
  serveRoute(app, viewerRoute, (c) => {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return c.html(PAGE);
  });
  serveRoute(app, assetRoute, (c) => {
    const asset = ASSETS[c.req.param('file')];
    if (!asset) throw new AppError('not_found', 'No such file.');
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(readFileSync(asset.path));
  });
  return app;
}
