import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from '../../src/crypto/secret-box';

describe('secret box', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and never shows the plaintext', () => {
    const sealed = sealSecret(key, '{"botToken":"123:SECRET"}');
    expect(sealed).not.toContain('SECRET');
    expect(openSecret(key, sealed)).toBe('{"botToken":"123:SECRET"}');
  });

  it('seals the same text differently every time', () => {
    expect(sealSecret(key, 'same')).not.toBe(sealSecret(key, 'same'));
  });

  it('refuses a tampered value or the wrong key', () => {
    const sealed = sealSecret(key, 'secret');
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => openSecret(key, tampered)).toThrow();
    expect(() => openSecret(randomBytes(32), sealed)).toThrow();
  });
});
