/**
 * Choices a reply offers (buttons, quick replies), and a person's press of one. Pure: the pipeline
 * reads the model's `offer_choices` call with it, each platform renders choices within its limits,
 * and a press is read back as a message carrying the choice's id.
 */
import { z } from 'zod';

export interface Choice {
  /** What comes back when it is pressed: at most 64 characters (Telegram's callback_data limit). */
  id: string;
  /** What the button says. */
  title: string;
}

/** At most this many choices on one reply (WhatsApp lists take 10; Messenger 13; the rest more). */
export const MAX_CHOICES = 10;

export const ChoiceSchema = z.strictObject({
  id: z.string().trim().min(1).max(64).regex(/^[\x20-\x7e]+$/, 'printable ASCII, at most 64 characters'),
  title: z.string().trim().min(1).max(80),
});

export const ChoicesSchema = z
  .array(ChoiceSchema)
  .min(1)
  .max(MAX_CHOICES)
  .refine((choices) => new Set(choices.map((c) => c.id)).size === choices.length, 'choice ids must be unique');

/** The built-in tool the model calls to answer with buttons: its answer, and the choices under it. */
export const OFFER_CHOICES_TOOL = {
  name: 'offer_choices',
  description: 'Answer the person with a short message and buttons to tap. Use it when a few clear options fit better than an open question.',
  parameters: {
    type: 'object',
    properties: {
      text: { type: 'string', description: 'The message shown above the buttons.' },
      choices: {
        type: 'array',
        maxItems: MAX_CHOICES,
        items: {
          type: 'object',
          properties: { id: { type: 'string', description: 'A short stable id, returned when pressed.' }, title: { type: 'string', description: 'The button label, at most 20 characters.' } },
          required: ['id', 'title'],
          additionalProperties: false,
        },
      },
    },
    required: ['text', 'choices'],
    additionalProperties: false,
  },
} as const;

const OfferSchema = z.object({ text: z.string().trim().min(1).max(4000), choices: ChoicesSchema });

/** The model's `offer_choices` arguments as a reply with choices, or null when they do not fit. */
export function readOfferedChoices(argumentsJson: string): { text: string; choices: Choice[] } | null {
  try {
    const parsed = OfferSchema.safeParse(JSON.parse(argumentsJson));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
