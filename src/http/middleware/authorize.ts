import { createMiddleware } from 'hono/factory';
import { roleAllows } from '../../auth/roles';
import { requiredRole } from '../access-rules';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';

/** 403 unless the caller's role is enough for this route, by `ACCESS_RULES`. */
export function authorize(mountPath: string) {
  return createMiddleware<AppEnv>(async function authorize(c, next) {
    const actor = c.get('actor');
    const needed = requiredRole(c.req.method, c.req.path.slice(mountPath.length) || '/');
    if (!actor || !roleAllows(actor.role, needed)) {
      throw new AppError('forbidden', `This needs the ${needed} role; this key has the ${actor?.role ?? 'no'} role.`);
    }
    return next();
  });
}
