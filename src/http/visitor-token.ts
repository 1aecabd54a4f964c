import { randomUUID } from 'node:crypto';
import { sign, verify } from 'hono/jwt';
import { AppError } from './app-error';

export interface VisitorClaims {
  /** The visitor: the web chat conversation's chat id. */
  sub: string;
  /** The only bot this token may talk to. */
  bot: string;
  exp: number;
}

/** Issues a token for a new visitor of one bot. */
export async function issueVisitorToken(args: { secret: string; botId: string; ttlSeconds: number }) {
  const visitorId = randomUUID();
  const exp = Math.floor(Date.now() / 1000) + args.ttlSeconds;
  const claims: VisitorClaims = { sub: visitorId, bot: args.botId, exp };
  const token = await sign({ ...claims }, args.secret, 'HS256');
  return { token, visitorId, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Returns the visitor id, or throws 401 when the token is missing, forged, expired or for another bot. */
export async function verifyVisitorToken(args: { secret: string; botId: string; token: string | undefined }): Promise<string> {
  if (!args.token) throw new AppError('unauthorized', 'Send the visitor token from POST /webchat/:botId/sessions.');
  let claims: Partial<VisitorClaims>;
  try {
    claims = (await verify(args.token, args.secret, 'HS256')) as Partial<VisitorClaims>;
  } catch {
    throw new AppError('unauthorized', 'The visitor token is invalid or expired: start a new session.');
  }
  // A token that never expires would be a key forever: only tokens this server issued, with `exp`, pass.
  if (typeof claims.exp !== 'number') {
    throw new AppError('unauthorized', 'The visitor token has no expiry: start a new session.');
  }
  if (claims.bot !== args.botId || typeof claims.sub !== 'string') {
    throw new AppError('unauthorized', 'The visitor token belongs to another bot: start a new session.');
  }
  return claims.sub;
}
