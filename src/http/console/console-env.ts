import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';

/** A console request carries the API's variables; `session` is set once signed in. */
export type ConsoleEnv = AppEnv;

/** The signed-in session; pages behind `consoleSession` always have one. */
export function sessionOf(c: Context<ConsoleEnv>): NonNullable<AppEnv['Variables']['session']> {
  const session = c.get('session');
  if (!session) throw new AppError('unauthorized', 'Sign in to the console first.');
  return session;
}
