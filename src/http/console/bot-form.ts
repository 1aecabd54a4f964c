import type { z } from 'zod';
import { BotSettingsPatchSchema, BotSettingsSchema } from '../../bots/bot-settings-schema';
import type { BotSettings } from '../../conversations/bot-settings';
import { type FormFields, type FormResult, formText, jsonOrText, numberOrText, validateForm } from './form-values';

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

export type { FieldErrors, FormFields } from './form-values';

/** A new bot from the form, with the defaults of `POST /v1/bots` for what was left out. */
export function readNewBotForm(form: FormFields): FormResult<BotSettings> {
  return validateForm(BotSettingsSchema, { id: formText(form.id), ...readSettings(form) }, form) as FormResult<BotSettings>;
}

/** Every setting the form shows, as a `PATCH /v1/bots/:id` body. */
export function readBotEditForm(form: FormFields): FormResult<z.infer<typeof BotSettingsPatchSchema>> {
  return validateForm(BotSettingsPatchSchema, readSettings(form), form);
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
  for (const field of TEXT_FIELDS) if (formText(form[field]) !== '') settings[field] = formText(form[field]);
  for (const field of NUMBER_FIELDS) if (formText(form[field]) !== '') settings[field] = numberOrText(formText(form[field]));
  for (const field of NULLABLE_NUMBER_FIELDS) settings[field] = formText(form[field]) === '' ? null : numberOrText(formText(form[field]));
  for (const field of CHECKBOX_FIELDS) settings[field] = form[field] === 'on';
  for (const field of JSON_FIELDS) if (formText(form[field]) !== '') settings[field] = jsonOrText(formText(form[field]));
  settings.handoffPattern = formText(form.handoffPattern) === '' ? null : formText(form.handoffPattern);
  const vision = formText(form.vision);
  settings.vision = vision === 'on' ? true : vision === 'off' ? false : null;
  return settings;
}
