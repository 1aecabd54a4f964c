import { createMiddleware } from 'hono/factory';
import { roleAllows } from '../../auth/roles';
import { requiredRole } from '../access-rules';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { requireBotInScope } from '../bot-scope';

/** 403 unless the caller's role is enough for this route, by `ACCESS_RULES`. */
export function authorize(mountPath: string) {
  return createMiddleware<AppEnv>(async function authorize(c, next) {
    const actor = c.get('actor');
    const needed = requiredRole(c.req.method, c.req.path.slice(mountPath.length) || '/');
    if (!actor || !roleAllows(actor.role, needed)) {
      throw new AppError('forbidden', `This needs the ${needed} role; this key has the ${actor?.role ?? 'no'} role.`);
    }
    const path = c.req.path.slice(mountPath.length);
    // A key limited to some bots sees no other bot, and manages no keys or subscriptions (they span bots).
    if (actor.bots) {
      const bot = /^\/bots\/([^/]+)/.exec(path)?.[1];
      if (bot !== undefined) requireBotInScope(c, decodeURIComponent(bot));
      if (/^\/(api-keys|webhook-subscriptions)(\/|$)/.test(path)) {
        throw new AppError('forbidden', `This key is limited to bots ${actor.bots.join(', ')}; keys and webhook subscriptions are managed with a key for every bot.`);
      }
    }
    return next();
  });
}
