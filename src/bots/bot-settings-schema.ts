import { z } from 'zod';
import type { BotSettings } from '../conversations/bot-settings';
import { NOTICE_TEXTS } from '../conversations/notices';
import { OTHER_INTENT } from '../understanding/intents';
import { BotIdSchema } from './bot-id';
import { ChoicesSchema } from '../conversations/choices';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** A bot recognises at most this many intents: each one lengthens the classifying prompt of every turn. */
export const MAX_INTENTS = 30;

const IntentSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower case letters, digits and underscores, starting with a letter (at most 40)')
    .refine((name) => name !== OTHER_INTENT, `"${OTHER_INTENT}" is the name of no intent; it cannot be defined`),
  description: z.string().trim().min(1).max(500),
  examples: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
  action: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('handoff') }),
      z.strictObject({ type: z.literal('reply'), text: z.string().trim().min(1).max(4000), choices: ChoicesSchema.optional() }),
      z.strictObject({ type: z.literal('none') }),
    ])
    .default({ type: 'none' }),
});

/** A WhatsApp template as approved in WhatsApp Manager: its name, language and body parameters. */
const TemplateSpecSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be the template\'s name in WhatsApp Manager: lower case letters, digits and underscores'),
    language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a WhatsApp language code, like en_US or es'),
    parameters: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower case letters, digits and underscores')).max(10).default([]),
    reengagement: z.boolean().optional(),
  })
  .refine((t) => !t.reengagement || t.parameters.length === 1, 'a re-engagement template has exactly one parameter: the message');

/**
 * The one home of what a bot setting may be and what it is by default. The bots API validates
 * with it, the default bot from configuration is built with it, and the configuration's
 * `DEFAULT_BOT_*` variables default to it: a new setting is one field here, one column, one line
 * in `BotSettings`.
 */
export const BOT_SETTING_FIELDS = {
  name: z.string().trim().min(1).max(200),
  systemPrompt: z.string().trim().min(1).max(20_000),
  model: z.string().trim().min(1).max(200),
  /** `null`: the model's own default. */
  temperature: z.number().min(0).max(2).nullable(),
  /** `null`: the model's own limit. */
  maxReplyTokens: z.number().int().min(1).max(32_768).nullable(),
  debounceMs: z.number().int().min(0).max(60_000),
  idleTimeoutMs: z.number().int().min(1000).max(365 * DAY_MS),
  // The column is a 32-bit integer.
  handoffTimeoutMs: z.number().int().min(1000).max(7 * DAY_MS),
  /** `null`: the built-in rule. */
  handoffPattern: z.string().min(1).max(500).refine(isValidPattern, 'must be a valid regular expression').nullable(),
  moderationPolicy: z.enum(['off', 'flag', 'block']),
  /** Tokens of the bot's model; the prompt (instructions, summary, recent turns, the message) stays within it. */
  contextTokenBudget: z.number().int().min(256).max(1_000_000),
  fallbackReply: z.string().trim().min(1).max(4000),
  /** The built-in `human` intent (hand over) is added unless one is defined here. */
  intents: z
    .array(IntentSchema)
    .max(MAX_INTENTS, `a bot recognises at most ${MAX_INTENTS} intents`)
    .refine((intents) => new Set(intents.map((intent) => intent.name)).size === intents.length, 'intent names must be unique'),
  /** Rounds of tool calls one turn may make; then the model answers without tools. 0: never offer tools. */
  maxToolSteps: z.number().int().min(0).max(10),
  /** `null`: shown images when the model's name says it sees them. */
  vision: z.boolean().nullable(),
  transcriptionModel: z.string().trim().min(1).max(200),
  offerChoices: z.boolean(),
  whatsappTemplates: z
    .array(TemplateSpecSchema)
    .max(50)
    .refine((templates) => new Set(templates.map((t) => t.name)).size === templates.length, 'template names must be unique')
    .refine((templates) => templates.filter((t) => t.reengagement).length <= 1, 'at most one template is the re-engagement template'),
  enabled: z.boolean(),
};

/** Every setting but the ones a bot must be given (id, name, prompt, model). */
export const BOT_SETTING_DEFAULTS = {
  temperature: null,
  maxReplyTokens: null,
  debounceMs: 800,
  idleTimeoutMs: DAY_MS,
  handoffTimeoutMs: 10 * 60 * 1000,
  handoffPattern: null,
  moderationPolicy: 'block',
  contextTokenBudget: 4000,
  // Sent in the person's language while it is unchanged (`src/conversations/notices.ts`).
  fallbackReply: NOTICE_TEXTS.fallback.en,
  intents: [],
  maxToolSteps: 4,
  vision: null,
  transcriptionModel: 'whisper-1',
  offerChoices: false,
  whatsappTemplates: [],
  enabled: true,
} as const satisfies Omit<BotSettings, 'id' | 'name' | 'systemPrompt' | 'model'>;

/** A whole bot: what `POST /v1/bots` takes, with the defaults filled in. */
export const BotSettingsSchema = z.strictObject({
  id: BotIdSchema,
  name: BOT_SETTING_FIELDS.name,
  systemPrompt: BOT_SETTING_FIELDS.systemPrompt,
  model: BOT_SETTING_FIELDS.model,
  temperature: BOT_SETTING_FIELDS.temperature.default(BOT_SETTING_DEFAULTS.temperature),
  maxReplyTokens: BOT_SETTING_FIELDS.maxReplyTokens.default(BOT_SETTING_DEFAULTS.maxReplyTokens),
  debounceMs: BOT_SETTING_FIELDS.debounceMs.default(BOT_SETTING_DEFAULTS.debounceMs),
  idleTimeoutMs: BOT_SETTING_FIELDS.idleTimeoutMs.default(BOT_SETTING_DEFAULTS.idleTimeoutMs),
  handoffTimeoutMs: BOT_SETTING_FIELDS.handoffTimeoutMs.default(BOT_SETTING_DEFAULTS.handoffTimeoutMs),
  handoffPattern: BOT_SETTING_FIELDS.handoffPattern.default(BOT_SETTING_DEFAULTS.handoffPattern),
  moderationPolicy: BOT_SETTING_FIELDS.moderationPolicy.default(BOT_SETTING_DEFAULTS.moderationPolicy),
  contextTokenBudget: BOT_SETTING_FIELDS.contextTokenBudget.default(BOT_SETTING_DEFAULTS.contextTokenBudget),
  fallbackReply: BOT_SETTING_FIELDS.fallbackReply.default(BOT_SETTING_DEFAULTS.fallbackReply),
  intents: BOT_SETTING_FIELDS.intents.default([]),
  maxToolSteps: BOT_SETTING_FIELDS.maxToolSteps.default(BOT_SETTING_DEFAULTS.maxToolSteps),
  vision: BOT_SETTING_FIELDS.vision.default(BOT_SETTING_DEFAULTS.vision),
  transcriptionModel: BOT_SETTING_FIELDS.transcriptionModel.default(BOT_SETTING_DEFAULTS.transcriptionModel),
  offerChoices: BOT_SETTING_FIELDS.offerChoices.default(BOT_SETTING_DEFAULTS.offerChoices),
  whatsappTemplates: BOT_SETTING_FIELDS.whatsappTemplates.default([]),
  enabled: BOT_SETTING_FIELDS.enabled.default(BOT_SETTING_DEFAULTS.enabled),
});

/** Any of the settings, for `PATCH`: at least one. */
export const BotSettingsPatchSchema = z
  .strictObject(BOT_SETTING_FIELDS)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one field to change');

function isValidPattern(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}
