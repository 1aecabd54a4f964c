import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A development secret kept under `<dataDir>/secrets/<name>`: generated (32 random bytes) the
 * first time, read back after, readable by this user only. Each checkout's data directory gets
 * its own, so no two installs share a secret and none is ever in the source. Production takes its
 * secrets from the environment and never calls this.
 */
export function localSecret(dataDir: string, name: string): { value: Buffer; path: string } {
  const dir = resolve(dataDir, 'secrets');
  const path = join(dir, name);
  try {
    return { value: Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'), path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const value = randomBytes(32);
  // `wx`: if another process wrote it first, read theirs instead of replacing it.
  try {
    writeFileSync(path, `${value.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { value: Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'), path };
  }
  return { value, path };
}
