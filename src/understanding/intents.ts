/**
 * What a person may want, as a bot defines it: an intent has a name, a description for the model,
 * example phrases for the local matcher, and what the bot does when it is recognised. Pure data.
 */

import type { Choice } from '../conversations/choices';

export type IntentAction =
  /** A person from the team takes the conversation over. */
  | { type: 'handoff' }
  /** The bot answers with this text, without asking the model. */
  | { type: 'reply'; text: string; choices?: Choice[] }
  /** Recognised and counted; the model answers as usual. */
  | { type: 'none' };

export interface Intent {
  name: string;
  description: string;
  examples: string[];
  action: IntentAction;
}

/** The intent of a message that matches none of the bot's. */
export const OTHER_INTENT = 'other';

/**
 * Built into every bot: the person asks for a human, in any language. A bot may define its own
 * `human` intent instead (other examples, another action). The examples serve the local matcher,
 * which decides when no model is configured or the model's classification fails.
 */
export const HUMAN_INTENT: Intent = {
  name: 'human',
  description: 'The person asks to talk to a human: a person from the team, an agent, an operator, customer service.',
  examples: [
    'talk to a human',
    'talk to a person',
    'speak to a human',
    'speak to a person',
    'chat with a human',
    'connect me to a human',
    'a real person please',
    'customer service representative',
    'speak with someone from your team',
    'connect me to an agent',
    'I want a real person',
    'live agent please',
    'transfer me to an operator',
    'quiero hablar con un humano',
    'quiero hablar con una persona',
    'pásame con un agente',
    'ich möchte mit einem Menschen sprechen',
    'mit einem Mitarbeiter sprechen',
    'verbinden Sie mich mit einem Menschen',
    'je veux parler à un humain',
    'parler à une personne',
    'parler à un conseiller',
    'quero falar com um humano',
    'falar com uma pessoa',
    'falar com um atendente',
    'voglio parlare con un operatore',
    'parlare con una persona',
    'хочу поговорить с человеком',
    'соедините с оператором',
    'أريد التحدث إلى إنسان',
    'أريد التحدث مع موظف',
    'मैं किसी इंसान से बात करना चाहता हूँ',
    'किसी एजेंट से बात करनी है',
    '我想和人工客服说话',
    '转人工',
    '人間と話したい',
    'オペレーターにつないでください',
  ],
  action: { type: 'handoff' },
};

/** The intents a bot recognises: its own, and the built-in `human` unless it defines one itself. */
export function intentsOf(bot: { intents: readonly Intent[] }): Intent[] {
  return bot.intents.some((intent) => intent.name === HUMAN_INTENT.name) ? [...bot.intents] : [...bot.intents, HUMAN_INTENT];
}

/** Below this confidence an intent is counted, but its action is not taken. */
export const ACTION_CONFIDENCE = 0.6;

/** What the bot does for a recognised intent; `none` for `other` or an unsure match. */
export function actionFor(intents: readonly Intent[], intent: { name: string; confidence: number }): IntentAction {
  if (intent.confidence < ACTION_CONFIDENCE) return { type: 'none' };
  return intents.find((candidate) => candidate.name === intent.name)?.action ?? { type: 'none' };
}
