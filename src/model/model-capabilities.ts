/**
 * What a model can take besides text, known by its name. A bot's `vision` setting overrides this
 * for models the list does not know (a local vision model behind an OpenAI-compatible server).
 */

/** OpenAI's models that read images: GPT-4o, GPT-4.1, GPT-4 Turbo, GPT-5 and the o-series reasoning models. */
const SEEING_MODELS = /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4-turbo|gpt-4\.5|gpt-5|o1(?!-mini)|o3|o4)/i;

export function modelSeesImages(model: string, vision: boolean | null): boolean {
  return vision ?? SEEING_MODELS.test(model.trim());
}
