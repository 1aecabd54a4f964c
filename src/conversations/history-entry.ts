/** One line of what the model remembers: what the person said, or what the bot answered. */
export interface HistoryEntry {
  role: 'user' | 'assistant';
  text: string;
}
