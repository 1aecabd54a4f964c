import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';

/** Accepts `Authorization: Bearer <key>` or `X-API-Key: <key>`, compared in constant time. */
export function requireAdminKey(adminApiKey: string | undefined) {
  const expected = adminApiKey ? digest(adminApiKey) : undefined;
  return createMiddleware<AppEnv>(async function requireAdminKey(c, next) {
    if (!expected) {
      throw new AppError('unauthorized', 'The admin API is disabled: set ADMIN_API_KEY and restart to enable it.');
    }
    const offered = bearerToken(c.req.header('authorization')) ?? c.req.header('x-api-key');
    if (!offered || !timingSafeEqual(digest(offered), expected)) {
      throw new AppError('unauthorized', 'Send a valid API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".');
    }
    await next();
  });
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
