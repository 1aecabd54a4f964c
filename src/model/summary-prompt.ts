import type { HistoryEntry } from '../conversations/history-entry';

/** What the summarising step asks for: a model call of its own, apart from the reply. */
export interface SummaryRequest {
  model: string;
  /** The summary so far; null on the first fold. */
  previousSummary: string | null;
  /** The oldest turns, which no longer fit the prompt. */
  entries: HistoryEntry[];
  /** The most tokens the new summary may take. */
  maxTokens: number;
}

export const SUMMARY_INSTRUCTIONS =
  'You keep the running summary of a conversation between a person and an assistant, for the assistant to read later. ' +
  'Merge the summary so far with the turns below into one new summary. Keep every fact the person stated about themselves, ' +
  'their orders, accounts, dates and numbers, every promise the assistant or the team made, and what is still open. ' +
  'Drop greetings and small talk. Write plain sentences, in the language of the conversation.';

const SPEAKERS: Record<HistoryEntry['role'], string> = { user: 'Person', assistant: 'Assistant', team: 'Team member' };

/** The material to summarise, as one user message. */
export function summaryMaterial(request: Pick<SummaryRequest, 'previousSummary' | 'entries'>): string {
  const turns = request.entries.map((entry) => `${SPEAKERS[entry.role]}: ${entry.text}`).join('\n');
  return `Summary so far:\n${request.previousSummary ?? '(none)'}\n\nTurns to fold in:\n${turns}`;
}
