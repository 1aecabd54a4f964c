import type { z } from 'zod';
import { BotSettingsPatchSchema, BotSettingsSchema } from '../../bots/bot-settings-schema';
import type { BotSettings } from '../../conversations/bot-settings';

/**
 * A bot's settings as the console's form carries them (strings, checkboxes, JSON for lists), read
 * into the shape `/v1/bots` takes and validated by the same zod schemas: the form knows no rule of
 * its own, only how each field is typed in.
 */

/** Form fields by how they are typed in. */
const NUMBER_FIELDS = ['debounceMs', 'idleTimeoutMs', 'handoffTimeoutMs', 'contextTokenBudget', 'maxToolSteps'] as const;
const NULLABLE_NUMBER_FIELDS = ['temperature', 'maxReplyTokens'] as const;
const TEXT_FIELDS = ['name', 'systemPrompt', 'model', 'fallbackReply', 'transcriptionModel', 'moderationPolicy'] as const;
const CHECKBOX_FIELDS = ['offerChoices', 'enabled'] as const;
const JSON_FIELDS = ['intents', 'whatsappTemplates'] as const;

export type FormFields = Record<string, string | File | undefined>;
/** An error beside each field that has one, by field name (`form` for the whole form). */
export type FieldErrors = Record<string, string>;

export type BotFormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; values: FormFields };

/** A new bot from the form, with the defaults of `POST /v1/bots` for what was left out. */
export function readNewBotForm(form: FormFields): BotFormResult<BotSettings> {
  return validate(BotSettingsSchema, { id: text(form.id), ...readSettings(form) }, form) as BotFormResult<BotSettings>;
}

/** Every setting the form shows, as a `PATCH /v1/bots/:id` body. */
export function readBotEditForm(form: FormFields): BotFormResult<z.infer<typeof BotSettingsPatchSchema>> {
  return validate(BotSettingsPatchSchema, readSettings(form), form);
}

/** The form's values for a stored bot: what the page shows in each field. */
export function botFormValues(bot: BotSettings): FormFields {
  return {
    id: bot.id,
    name: bot.name,
    systemPrompt: bot.systemPrompt,
    model: bot.model,
    temperature: bot.temperature === null ? '' : String(bot.temperature),
    maxReplyTokens: bot.maxReplyTokens === null ? '' : String(bot.maxReplyTokens),
    debounceMs: String(bot.debounceMs),
    idleTimeoutMs: String(bot.idleTimeoutMs),
    handoffTimeoutMs: String(bot.handoffTimeoutMs),
    handoffPattern: bot.handoffPattern ?? '',
    moderationPolicy: bot.moderationPolicy,
    contextTokenBudget: String(bot.contextTokenBudget),
    fallbackReply: bot.fallbackReply,
    maxToolSteps: String(bot.maxToolSteps),
    vision: bot.vision === null ? 'auto' : bot.vision ? 'on' : 'off',
    transcriptionModel: bot.transcriptionModel,
    offerChoices: bot.offerChoices ? 'on' : undefined,
    enabled: bot.enabled ? 'on' : undefined,
    intents: JSON.stringify(bot.intents, null, 2),
    whatsappTemplates: JSON.stringify(bot.whatsappTemplates, null, 2),
  };
}

function readSettings(form: FormFields): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of TEXT_FIELDS) if (text(form[field]) !== '') settings[field] = text(form[field]);
  for (const field of NUMBER_FIELDS) if (text(form[field]) !== '') settings[field] = numberOrText(text(form[field]));
  for (const field of NULLABLE_NUMBER_FIELDS) settings[field] = text(form[field]) === '' ? null : numberOrText(text(form[field]));
  for (const field of CHECKBOX_FIELDS) settings[field] = form[field] === 'on';
  for (const field of JSON_FIELDS) if (text(form[field]) !== '') settings[field] = jsonOrText(text(form[field]));
  settings.handoffPattern = text(form.handoffPattern) === '' ? null : text(form.handoffPattern);
  const vision = text(form.vision);
  settings.vision = vision === 'on' ? true : vision === 'off' ? false : null;
  return settings;
}

function validate<T>(schema: z.ZodType<T>, input: Record<string, unknown>, form: FormFields): BotFormResult<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
    const where = issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ` : '';
    errors[field] ??= `${where}${issue.message}`;
  }
  return { ok: false, errors, values: form };
}

function text(value: string | File | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A number when it is one; else the text, so the schema says what is wrong with it. */
function numberOrText(value: string): number | string {
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** Parsed JSON, or the text: the schema then says it must be a list. */
function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
