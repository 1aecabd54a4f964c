import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';

/** The one place errors become responses: `{ error: { code, message } }` with the right status. */
export function handleError(): ErrorHandler<AppEnv> {
  return function handleError(error, c) {
    if (error instanceof AppError) {
      return c.json({ error: { code: error.code, message: error.message, ...error.details } }, error.status);
    }
    if (error instanceof HTTPException) {
      const code = error.status === 413 ? 'payload_too_large' : 'bad_request';
      return c.json({ error: { code, message: error.message || 'Bad request' } }, error.status);
    }
    c.get('logger')?.error({ err: error }, 'Unhandled error');
    return c.json({ error: { code: 'internal', message: 'Something went wrong on our side. Try again later.' } }, 500);
  };
}

export function handleNotFound(): NotFoundHandler<AppEnv> {
  return function handleNotFound(c) {
    return c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404);
  };
}
