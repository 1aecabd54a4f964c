import { ConfigError, loadConfig } from '../../src/config';

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
});
