/** Language tags as the product stores and counts them. Pure; the workflow may use it. */

/** BCP-47's tag for a language that cannot be told. */
export const UNDETERMINED_LANGUAGE = 'und';

/**
 * A language code as stored and counted: the primary subtag of a valid BCP-47 tag, lower case
 * (`pt-BR` → `pt`), or `und`. Keeps the metrics' label values few.
 */
export function primaryLanguage(tag: string | null | undefined): string {
  if (!tag) return UNDETERMINED_LANGUAGE;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    const primary = canonical?.split('-')[0]?.toLowerCase();
    return primary && /^[a-z]{2,3}$/.test(primary) ? primary : UNDETERMINED_LANGUAGE;
  } catch {
    return UNDETERMINED_LANGUAGE;
  }
}
