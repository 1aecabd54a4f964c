import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/**
 * Signs webhook bodies the way each platform does, so tests and benchmarks can play the platform.
 * Every function returns the headers to send with the exact `body` string.
 */

export function telegramHeaders(secretToken: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secretToken };
}

export function slackHeaders(signingSecret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${signature}`,
  };
}

export function metaHeaders(appSecret: string, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
  };
}

/** A Discord application's key pair: the public key (hex) goes into the channel, the private key signs. */
export function createDiscordKeys(): { publicKeyHex: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { publicKeyHex: raw.toString('hex'), privateKey };
}

export function discordHeaders(privateKey: KeyObject, body: string, timestamp = String(Math.floor(Date.now() / 1000))) {
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
  return { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
}
