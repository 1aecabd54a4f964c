/** The line the system prompt gains when the person's language is known. Pure. */
import { UNDETERMINED_LANGUAGE } from '../conversations/language';

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

export function languageInstruction(language: string): string {
  if (language === UNDETERMINED_LANGUAGE) return '';
  const name = languageNames.of(language);
  const named = name ? `${name} (${language})` : language;
  return `\n\nThe person writes in ${named}. Answer in that language unless they ask for another.`;
}
