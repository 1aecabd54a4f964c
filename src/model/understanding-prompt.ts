/**
 * The classifying step's one model call: sentiment, intent and language of the person's message,
 * as structured output (a JSON schema built from the bot's intents).
 */
import { z } from 'zod';
import { type Intent, OTHER_INTENT } from '../understanding/intents';
import { primaryLanguage } from '../conversations/language';
import { clamp, sentimentLabel, type Understanding } from '../understanding/understanding';

export interface UnderstandingRequest {
  model: string;
  text: string;
  intents: ReadonlyArray<Pick<Intent, 'name' | 'description' | 'examples'>>;
}

export const UNDERSTANDING_FORMAT_NAME = 'turn_understanding';

export const UNDERSTANDING_INSTRUCTIONS =
  'You classify one message a person sent to a customer-facing assistant. Give its sentiment with a score from -1 (very negative) to 1 ' +
  '(very positive); the intent it expresses, from the list below, or "other" when none fits, with your confidence from 0 to 1; and ' +
  'the language it is written in, as a BCP-47 code ("und" if it cannot be told). Classify; do not answer the message.';

/** The schema the model must fill: the intent is one of the bot's names, or `other`. */
export function understandingSchema(intentNames: readonly string[]) {
  const key = intentNames.join('\n');
  let schema = schemas.get(key);
  if (!schema) {
    schema = buildSchema(intentNames);
    // A bot's intents change rarely: the schemas of the last few lists are kept, not rebuilt every turn.
    if (schemas.size >= 100) schemas.delete(schemas.keys().next().value!);
    schemas.set(key, schema);
  }
  return schema;
}

const schemas = new Map<string, ReturnType<typeof buildSchema>>();

function buildSchema(intentNames: readonly string[]) {
  const intents: [string, ...string[]] = [OTHER_INTENT, ...intentNames];
  return z.object({
    sentiment: z.enum(['negative', 'neutral', 'positive']),
    sentimentScore: z.number(),
    intent: z.enum(intents),
    intentConfidence: z.number(),
    language: z.string(),
  });
}

export type UnderstandingOutput = z.infer<ReturnType<typeof understandingSchema>>;

/** The intents, as the model reads them. */
export function intentCatalogue(intents: UnderstandingRequest['intents']): string {
  const lines = intents.map((intent) => {
    const examples = intent.examples.slice(0, 5).map((example) => JSON.stringify(example)).join(', ');
    return `- ${intent.name}: ${intent.description}${examples ? ` Examples: ${examples}.` : ''}`;
  });
  return `Intents:\n${lines.join('\n')}\n- ${OTHER_INTENT}: none of the above.`;
}

/** The model's answer, held to the ranges the product stores: scores clamped, a label that agrees with its score. */
export function toUnderstanding(output: UnderstandingOutput): Understanding {
  const score = Math.round(clamp(output.sentimentScore, -1, 1) * 100) / 100;
  // A score of 0 with a label is a model that did not bother with the score: the label decides.
  const label = score === 0 ? output.sentiment : sentimentLabel(score);
  return {
    sentiment: { label, score },
    intent: { name: output.intent, confidence: Math.round(clamp(output.intentConfidence, 0, 1) * 100) / 100 },
    language: primaryLanguage(output.language),
    decidedBy: 'model',
  };
}
