import type { Logger } from 'pino';
import type { Actor } from '../auth/roles';

/** What every request carries through the middleware chain. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    /** Set by `authenticate` on `/v1`. */
    actor: Actor | undefined;
    /** Set by `consoleSession` on the console's pages (`/console`). */
    session: { tokenHash: string; csrfToken: string; expiresAt: Date } | undefined;
  };
}
