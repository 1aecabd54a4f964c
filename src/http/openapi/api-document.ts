import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import { ROLES, roleAllows } from '../../auth/roles';
import { requiredRole } from '../access-rules';
import { errorResponses } from './error-responses';

export type ApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** The schemes a route names in its `security`. */
export const SECURITY: Record<'apiKey' | 'visitorToken' | 'visitorTokenOrQuery', Array<Record<string, string[]>>> = {
  /** `Authorization: Bearer <API key>` on `/v1`. */
  apiKey: [{ apiKey: [] }, { apiKeyHeader: [] }],
  /** The visitor token from `POST /webchat/{botId}/sessions`. */
  visitorToken: [{ visitorToken: [] }],
  /** The visitor token, also accepted in `?token=` where EventSource cannot set headers. */
  visitorTokenOrQuery: [{ visitorToken: [] }, { visitorTokenQuery: [] }],
};

/**
 * The OpenAPI 3.1 document of every route `app` serves. What the `/v1` middleware adds to each of
 * its routes (the API key, the role from `ACCESS_RULES`, 401/403/429) and the web chat's rate limit
 * are added here, in one place, as `app.ts` adds them.
 */
export function createApiDocument(app: OpenAPIHono<any>): ApiDocument {
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: ADMIN_API_KEY, or one made with POST /v1/api-keys. Each key has a role: viewer, operator or admin.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyHeader', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'The same API key, in a header of its own.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'visitorToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A web chat visitor token from POST /webchat/{botId}/sessions: one bot, one visitor, expires.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'visitorTokenQuery', {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'The visitor token in the query string, for EventSource, which cannot set headers.',
  });

  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    // Each mount copied the route; this copy belongs to `app` alone, so it may change.
    const route = definition.route;
    if (route.path.startsWith('/v1/')) describeApiKeyAccess(route);
    if (route.path.startsWith('/webchat/')) {
      addResponses(route, errorResponses({ 429: 'Too many requests from this IP address, or for this visitor token.' }));
    }
  }

  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Chat orchestrator API',
      version: '1',
      description:
        'Bots that answer people on Telegram, Slack, Discord, Messenger, WhatsApp, a web chat and this API. ' +
        'Every error is `{ "error": { "code", "message" } }` with the matching status.',
    },
    tags: [
      { name: 'health', description: 'Liveness and readiness.' },
      { name: 'web chat', description: 'The web chat widget: a visitor session, messages in, server-sent events out.' },
      { name: 'webhooks', description: 'Where the messaging platforms deliver, verified by each platform\'s signature.' },
      { name: 'bots', description: 'Bots and their settings.' },
      { name: 'channels', description: 'A bot\'s credentials on each messaging platform.' },
      { name: 'tools', description: 'HTTPS endpoints a bot\'s model may call while it writes a reply; each call signed, and its own activity.' },
      { name: 'api channel', description: 'Integrators post messages and may wait for the reply.' },
      { name: 'conversations', description: 'Read conversations; hand them to a human and back; end them.' },
      { name: 'analytics', description: 'What a bot did in a time range.' },
      { name: 'api keys', description: 'Keys and their roles.' },
      { name: 'webhook subscriptions', description: 'Signed notifications of conversation events.' },
      { name: 'docs', description: 'This document and its viewer.' },
    ],
  });
}

/** What `authenticate`, `rateLimit` and `authorize` add to every `/v1` route. */
function describeApiKeyAccess(route: RouteConfig): void {
  const needed = requiredRole(route.method.toUpperCase(), route.path.slice('/v1'.length));
  const allowed = ROLES.filter((role) => roleAllows(role, needed));
  const note = `**Roles:** ${allowed.map((role) => `\`${role}\``).join(', ')}.`;
  route.description = route.description ? `${route.description}\n\n${note}` : note;
  route.security = SECURITY.apiKey;
  addResponses(
    route,
    errorResponses({
      401: 'No API key, or an unknown or revoked one.',
      403: `The key's role is below \`${needed}\`.`,
      429: 'Too many requests for this API key.',
    }),
  );
}

/** Adds responses the route does not list itself, in status order, without changing the object other copies share. */
function addResponses(route: RouteConfig, responses: RouteConfig['responses']): void {
  const merged = { ...responses, ...route.responses };
  route.responses = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}
