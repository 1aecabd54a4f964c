/**
 * One line of what the model remembers: what the person said, what the bot answered, or what a
 * person from the team wrote during a handoff (so the bot knows it once it has the conversation back).
 */
export interface HistoryEntry {
  role: 'user' | 'assistant' | 'team';
  text: string;
}

/** How the model reads a team member's message: said on our side, by a person. */
export const TEAM_MESSAGE_PREFIX = '[A person from our team wrote to the user:]';
