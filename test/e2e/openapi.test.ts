import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../src/logger';
import { type ApiServices, createApiServices } from '../../src/wiring';
import { startTestStack, TEST_ADMIN_KEY, type TestStack } from '../support/test-stack';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

interface Operation {
  description?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type ApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, { example?: unknown }> };
};

/**
 * Runs the OpenAPI schema validator in its own Node process: it is an ES module, which jest's
 * CommonJS runtime cannot load.
 */
async function validateOpenApi(document: unknown): Promise<{ valid: boolean; errors?: unknown; version?: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
    const script = `
      import { Validator } from '@seriousme/openapi-schema-validator';
      const validator = new Validator();
      const result = await validator.validate(process.argv[1]);
      process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, file], { cwd: process.cwd() });
    return JSON.parse(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('OpenAPI document and Swagger UI', () => {
  let stack: TestStack;
  let api: ApiServices;
  let document: ApiDocument;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    // The same factory as the served app, so its routes are the ones the server registered.
    api = await createApiServices(
      stack.config,
      { databaseUrl: stack.databaseUrl, temporalAddress: stack.config.temporal.address! },
      createLogger({ level: 'silent' }),
    );
    const response = await fetch(`${stack.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as ApiDocument;
  });
  afterAll(async () => {
    await api?.close();
    await stack?.close();
  });

  /** Every documented operation, as `METHOD /path/{param}`. */
  const documentedOperations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => item[method]).map((method) => ({ method: method.toUpperCase(), path, operation: item[method]! })),
    );

  /** A concrete URL for a documented path: the stack's bot, an unknown conversation, Telegram. */
  const concretePath = (path: string) =>
    path.replace('{botId}', stack.botId).replace('{id}', randomUUID()).replace('{platform}', 'telegram');

  it('serves a valid OpenAPI 3.1 document without an API key', async () => {
    const result = await validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('documents every route the app serves, and only those', () => {
    const served = api.app.routes
      // `use()` middleware registers for every method; handlers register for one.
      .filter((route) => route.method !== 'ALL')
      // The operator console's pages and forms are for people, not an API: docs/console.md has them.
      .filter((route) => !route.path.startsWith('/console'))
      .map((route) => `${route.method} ${route.path.replaceAll(/:([^/]+)/g, '{$1}')}`);
    const documented = documentedOperations().map(({ method, path }) => `${method} ${path}`);
    expect([...new Set(documented)].sort()).toEqual([...new Set(served)].sort());
    expect(documented.length).toBe(new Set(documented).size);
  });

  it('gives every route an error response in the one error shape, and every success an example', () => {
    for (const { method, path, operation } of documentedOperations()) {
      const statuses = Object.keys(operation.responses);
      const errors = statuses.filter((status) => Number(status) >= 400);
      const publicWithoutErrors = ['GET /health/live', 'GET /metrics', 'GET /openapi.json', 'GET /docs'].includes(`${method} ${path}`);
      if (!publicWithoutErrors) expect({ route: `${method} ${path}`, errors }).toEqual({ route: `${method} ${path}`, errors: expect.arrayContaining([expect.any(String)]) });
      for (const status of errors) {
        // Not ready is not an error of the caller's: it answers with the checks, as when ready.
        if (`${method} ${path} ${status}` === 'GET /health/ready 503') continue;
        const content = operation.responses[status]!.content?.['application/json'];
        expect({ route: `${method} ${path}`, status, schema: content?.schema?.$ref }).toEqual({
          route: `${method} ${path}`,
          status,
          schema: '#/components/schemas/Error',
        });
      }
      for (const status of statuses.filter((s) => s.startsWith('2') && s !== '204')) {
        const media = Object.values(operation.responses[status]!.content ?? {}) as Array<{ example?: unknown; schema?: unknown }>;
        const hasExample = media.some((m) => m.example !== undefined || hasNestedExample(m.schema, document.components.schemas));
        expect({ route: `${method} ${path}`, status, hasExample }).toEqual({ route: `${method} ${path}`, status, hasExample: true });
      }
    }
  });

  it('names the API key and the roles on /v1, and the visitor token on the web chat', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'apiKeyHeader', 'visitorToken', 'visitorTokenQuery']);
    for (const { path, operation } of documentedOperations()) {
      if (!path.startsWith('/v1/')) continue;
      expect(operation.security).toEqual([{ apiKey: [] }, { apiKeyHeader: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
    }
    const roles = (method: string, path: string) => document.paths[path]![method]!.description!.match(/\*\*Roles:\*\* (.*)\.$/)?.[1];
    expect(roles('get', '/v1/bots')).toBe('`viewer`, `operator`, `admin`');
    expect(roles('post', '/v1/bots/{botId}/messages')).toBe('`operator`, `admin`');
    expect(roles('post', '/v1/conversations/{id}/end')).toBe('`operator`, `admin`');
    expect(roles('post', '/v1/bots')).toBe('`admin`');
    expect(roles('get', '/v1/api-keys')).toBe('`admin`');
    expect(document.paths['/webchat/{botId}/messages']!.post!.security).toEqual([{ visitorToken: [] }]);
    expect(document.paths['/webchat/{botId}/events']!.get!.security).toEqual([{ visitorToken: [] }, { visitorTokenQuery: [] }]);
    expect(Object.keys(document.paths['/webchat/{botId}/events']!.get!.responses[200]!.content!)).toEqual(['text/event-stream']);
  });

  it('documents the status each route really answers to a request without credentials', async () => {
    for (const { method, path, operation } of documentedOperations()) {
      const response = await fetch(`${stack.baseUrl}${concretePath(path)}`, {
        method,
        headers: operation.requestBody ? { 'content-type': 'text/plain' } : {},
        body: operation.requestBody ? 'not json' : undefined,
      });
      await response.body?.cancel();
      expectDocumented(`${method} ${path}`, response.status, operation);
    }
  });

  it('documents the status each route with a body really answers to a body that is not JSON', async () => {
    const answers: Record<string, number> = {};
    for (const { method, path, operation } of documentedOperations()) {
      if (!operation.requestBody) continue;
      const response = await fetch(`${stack.baseUrl}${concretePath(path)}`, {
        method,
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${TEST_ADMIN_KEY}` },
        body: 'not json',
      });
      await response.body?.cancel();
      answers[`${method} ${path}`] = response.status;
      expectDocumented(`${method} ${path}`, response.status, operation);
    }
    // Where the bot and the platform exist, the wrong content type is what the route refuses.
    expect(answers).toMatchObject({
      'POST /v1/bots': 415,
      'PATCH /v1/bots/{botId}': 415,
      'POST /v1/bots/{botId}/messages': 415,
      'PUT /v1/bots/{botId}/channels/{platform}': 415,
      'POST /v1/api-keys': 415,
      'POST /v1/webhook-subscriptions': 415,
      'POST /v1/conversations/{id}/messages': 404,
      'POST /webchat/{botId}/messages': 401,
      'POST /webhooks/{platform}/{botId}': 404,
    });
  });

  it('serves Swagger UI at /docs from this server, with a policy that allows nothing else', async () => {
    const response = await fetch(`${stack.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    // Offline, a page that loads from a CDN is blank: every script and style is ours.
    expect(html).not.toMatch(/https?:\/\//);
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/https?:/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toEqual(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/api-docs.js']);
    for (const asset of assets) {
      const file = await fetch(`${stack.baseUrl}${asset}`);
      expect({ asset, status: file.status }).toEqual({ asset, status: 200 });
      const body = await file.text();
      if (asset.endsWith('api-docs.js')) expect(body).toContain("url: '/openapi.json'");
      else expect(body.length).toBeGreaterThan(10_000);
    }
    expect((await fetch(`${stack.baseUrl}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});

/** Fails naming the route when it answered a status its documentation does not list. */
function expectDocumented(route: string, status: number, operation: Operation): void {
  const documented = Object.keys(operation.responses);
  expect({ route, status, documented: documented.includes(String(status)) }).toEqual({ route, status, documented: true });
}

/** An example on the schema or, for `{ data }` wrappers, on a referenced component inside it. */
function hasNestedExample(schema: unknown, components: Record<string, { example?: unknown }>): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const node = schema as { $ref?: string; example?: unknown; properties?: Record<string, unknown>; items?: unknown };
  if (node.example !== undefined) return true;
  if (node.$ref) return components[node.$ref.split('/').pop()!]?.example !== undefined;
  return Object.values(node.properties ?? {}).some((child) => hasNestedExample(child, components)) || hasNestedExample(node.items, components);
}
