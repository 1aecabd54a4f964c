import type { TurnInput } from '../src/turn/turn-contract';

/**
 * One line per activity in the Web UI's timeline. Never what a person or an operator wrote:
 * summaries are not encrypted like the payloads they describe.
 */
export function beginTurnSummary(messages: number): string {
  if (messages === 0) return 'open the conversation, read the bot';
  return `store ${messages} message${messages === 1 ? '' : 's'}, read the bot if it changed`;
}

export function turnSummary(input: TurnInput): string {
  if ('write' in input.reply) return "the bot's reply: moderate, write, moderate the reply, send, record";
  if (input.author === 'agent') return "an operator's message: send, record";
  return `notice "${input.reply.say.text.slice(0, 40)}…": send, record`;
}
