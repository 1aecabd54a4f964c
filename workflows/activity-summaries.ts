import type { TurnInput } from '../src/turn/turn-contract';

/**
 * One line per activity in the Web UI's timeline (encoded with the payloads, decoded by the UI's
 * codec). Never what a person or an operator wrote: a summary says what the step does.
 */
export function beginTurnSummary(messages: number): string {
  if (messages === 0) return 'open the conversation, read the bot';
  return `store ${messages} message${messages === 1 ? '' : 's'}, read the bot if it changed`;
}

export function turnSummary(input: TurnInput): string {
  if ('write' in input.reply) {
    const rounds = input.reply.write.toolRounds?.length ?? 0;
    if (rounds > 0) return `the bot's reply after ${rounds} round${rounds === 1 ? '' : 's'} of tools: write, moderate the reply, send, record`;
    return "the bot's reply: moderate and understand, write, moderate the reply, send, record";
  }
  if (input.author === 'agent') return "an operator's message: send, record";
  return `notice "${input.reply.say.text.slice(0, 40)}…": send, record`;
}
