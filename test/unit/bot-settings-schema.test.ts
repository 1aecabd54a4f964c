import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOT_SETTING_DEFAULTS, BotSettingsPatchSchema, BotSettingsSchema } from '../../src/bots/bot-settings-schema';
import { defaultBotSettings } from '../../src/bots/default-bot';
import { loadConfig } from '../../src/config';

describe('bot settings: one schema, one set of defaults', () => {
  const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'bot-schema-')) });

  it('gives a bot created with the four required fields the same settings as the default bot', () => {
    const created = BotSettingsSchema.parse({ id: 'default', name: 'Assistant', systemPrompt: config.defaultBot.systemPrompt, model: config.defaultBot.model });
    expect(created).toEqual(defaultBotSettings(config));
    expect(created).toMatchObject(BOT_SETTING_DEFAULTS);
  });

  it('applies the same rules to DEFAULT_BOT_* variables as to the API', () => {
    expect(() => loadConfig({ DATA_DIR: config.dataDir, DEFAULT_BOT_IDLE_TIMEOUT_MS: '10' })).toThrow(/DEFAULT_BOT_IDLE_TIMEOUT_MS/);
    expect(BotSettingsPatchSchema.safeParse({ idleTimeoutMs: 10 }).success).toBe(false);
    expect(() => loadConfig({ DATA_DIR: config.dataDir, DEFAULT_BOT_ID: 'no spaces allowed' })).toThrow(/DEFAULT_BOT_ID/);
  });

  it('refuses unknown fields, a bad pattern, and an empty patch', () => {
    expect(BotSettingsSchema.safeParse({ id: 'x', name: 'n', systemPrompt: 'p', model: 'm', colour: 'red' }).success).toBe(false);
    expect(BotSettingsPatchSchema.safeParse({ handoffPattern: '(' }).success).toBe(false);
    expect(BotSettingsPatchSchema.safeParse({}).success).toBe(false);
  });
});
