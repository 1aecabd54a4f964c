import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'co_';

/** A new key: shown to the caller once; only its hash and a short prefix (to recognise it) are kept. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, PREFIX.length + 6) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
