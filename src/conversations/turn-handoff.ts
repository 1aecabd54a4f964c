import type { TurnInput } from '../turn/turn-contract';
import type { ReplyKind } from './reply-kind';

/**
 * Whether a turn hands the conversation over: in a turn the model was to write, only the `human`
 * intent's action answers with a notice. Derived from the stored reply, so a resumed turn, and the
 * workflow reading an abandoned one, know too. Pure.
 */
export function handsOver(input: Pick<TurnInput, 'reply'>, kind: ReplyKind): boolean {
  return 'write' in input.reply && kind === 'notice';
}
