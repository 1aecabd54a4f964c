import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { Env, Handler } from 'hono';

/**
 * Serves `route` on `app` and lists it in the app's OpenAPI document. Unlike `app.openapi()`, this
 * adds no validators of its own: handlers read their input with `readJsonBody` and `readQuery` and
 * the schemas the route documents, so the checks keep their order (an unknown bot is 404 before a
 * body is read; a wrong content type is 415 before broken JSON is 400) and their error messages.
 */
export function serveRoute<E extends Env, P extends string>(
  app: OpenAPIHono<E>,
  route: RouteConfig & { path: P },
  handler: Handler<E, HonoPath<P>>,
): void {
  app.openAPIRegistry.registerPath(route);
  app.on(route.method.toUpperCase(), toHonoPath(route.path), handler);
}

/** `/{botId}/messages` → `/:botId/messages`, as a type, so handlers read their params typed. */
type HonoPath<P extends string> = P extends `${infer Head}{${infer Param}}${infer Tail}` ? `${Head}:${Param}${HonoPath<Tail>}` : P;

/** `/{botId}/messages` → `/:botId/messages`. */
function toHonoPath(openApiPath: string): string {
  return openApiPath.replaceAll(/\{([^}]+)\}/g, ':$1');
}
