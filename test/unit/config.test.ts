import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_CACHED_CONVERSATIONS, loadConfig as loadConfigFrom } from '../../src/config';

/** Each test's development secrets go to a data directory of its own, never the checkout's. */
const loadConfig = (env: Record<string, string>) => loadConfigFrom({ DATA_DIR: mkdtempSync(join(tmpdir(), 'config-test-')), ...env });
const PRODUCTION = {
  NODE_ENV: 'production',
  ADMIN_API_KEY: 'k'.repeat(32),
  WEBCHAT_TOKEN_SECRET: 's'.repeat(32),
  CHANNEL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  TEMPORAL_PAYLOAD_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('loadConfig', () => {
  it('needs nothing to run in development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      temporal: { address: undefined, namespace: 'default', taskQueue: 'conversations' },
      defaultBot: { id: 'default' },
    });
  });

  it('reports every bad variable on a line of its own', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const lines = (error as ConfigError).problems;
      expect(lines).toHaveLength(3);
      expect(lines.join('\n')).toMatch(/^PORT: .*\nDATABASE_URL: .*\nLOG_LEVEL: /m);
    }
  });

  it('requires the secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_API_KEY: is required[\s\S]*WEBCHAT_TOKEN_SECRET: is required/);
  });

  it('reads the trusted proxies and the circuit breaker settings, and refuses a proxy named by host name', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.10' }).trustedProxies).toEqual(['10.0.0.0/8', '192.168.1.10']);
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8,ingress.internal' })).toThrow(/TRUSTED_PROXIES: must be addresses or CIDR ranges, comma-separated; not ingress.internal/);
    expect(loadConfig({ CIRCUIT_BREAKER_FAILURES: '3', CIRCUIT_BREAKER_HALF_OPEN_SECONDS: '2.5' }).circuitBreaker).toEqual({ failures: 3, halfOpenAfterMs: 2_500 });
    expect(() => loadConfig({ CIRCUIT_BREAKER_FAILURES: '0' })).toThrow(/CIRCUIT_BREAKER_FAILURES/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', OPENAI_API_KEY: ' ' })).toMatchObject({ databaseUrl: undefined, openai: { apiKey: undefined } });
  });

  it('declares a channel for the default bot from the environment, all of its variables or none', () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_SECRET_TOKEN: 's' });
    expect(config.defaultBotChannels).toEqual({ telegram: { botToken: '1:abc', secretToken: 's' } });
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb' })).toThrow(/SLACK_SIGNING_SECRET: is required when SLACK_BOT_TOKEN is set/);
  });

  it('needs a 32-byte channel encryption key', () => {
    expect(() => loadConfig({ CHANNEL_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/CHANNEL_ENCRYPTION_KEY: must be 32 bytes/);
    expect(loadConfig({ CHANNEL_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).channelEncryptionKey).toHaveLength(32);
  });

  it('bounds the worker\'s workflow cache only when told', () => {
    expect(loadConfig({}).temporal.maxCachedWorkflows).toBe(DEFAULT_CACHED_CONVERSATIONS);
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: ' ' }).temporal.maxCachedWorkflows).toBe(DEFAULT_CACHED_CONVERSATIONS);
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).temporal.maxCachedWorkflows).toBe(500);
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it('listens on this machine only unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('takes PUBLIC_URL only as an http(s) URL, since webhooks are registered under it', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://bots.example.com' }).publicUrl).toBe('https://bots.example.com');
    expect(() => loadConfig({ PUBLIC_URL: 'bots.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://bots.example.com' })).toThrow(/PUBLIC_URL/);
  });

  it('generates development secrets once per data directory, private to this user, and reuses them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-secrets-'));
    const first = loadConfigFrom({ DATA_DIR: dataDir });
    const again = loadConfigFrom({ DATA_DIR: dataDir });
    const elsewhere = loadConfig({});
    expect(first.generatedSecrets).toEqual(['WEBCHAT_TOKEN_SECRET', 'CHANNEL_ENCRYPTION_KEY', 'TEMPORAL_PAYLOAD_KEY']);
    expect(again.temporal.payloadKey!.equals(first.temporal.payloadKey!)).toBe(true);
    expect(again.webchat.tokenSecret).toBe(first.webchat.tokenSecret);
    expect(again.channelEncryptionKey.equals(first.channelEncryptionKey)).toBe(true);
    expect(elsewhere.webchat.tokenSecret).not.toBe(first.webchat.tokenSecret);
    expect(first.channelEncryptionKey).toHaveLength(32);
    const file = join(dataDir, 'secrets', 'channel-encryption-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first.channelEncryptionKey)).toBe(true);
    // The fixed development secret of earlier versions is gone.
    expect(first.webchat.tokenSecret).not.toBe('development-only-webchat-secret');
  });

  it('uses the environment\'s secrets when set, and generates nothing', () => {
    expect(loadConfig(PRODUCTION).generatedSecrets).toEqual([]);
    expect(loadConfig({ ...PRODUCTION, TEMPORAL_PAYLOAD_KEY: 'off' }).temporal.payloadKey).toBeUndefined();
    expect(() => loadConfig({ ...PRODUCTION, TEMPORAL_PAYLOAD_KEY: '' })).toThrow(/TEMPORAL_PAYLOAD_KEY: is required/);
  });

  it('refuses a short ADMIN_API_KEY in production, saying how to make one', () => {
    expect(() => loadConfig({ ...PRODUCTION, ADMIN_API_KEY: 'short-key' })).toThrow(/ADMIN_API_KEY: must be at least 32 characters.*openssl rand/);
    expect(loadConfig(PRODUCTION).adminApiKey).toHaveLength(32);
    expect(loadConfig({ ADMIN_API_KEY: 'dev' }).adminApiKey).toBe('dev');
  });
});
