import type { TurnInput } from '../turn/turn-contract';
import { NOTICE_TEXTS } from './notices';
import type { ReplyKind } from './reply-kind';

const HANDOFF_NOTICES: ReadonlySet<string> = new Set(Object.values(NOTICE_TEXTS.handoffRequested));

/**
 * Whether a turn hands the conversation over: in a turn the model was to write, the `human`
 * intent's action answers with the handoff notice (other notices, such as "I can't listen to voice
 * messages", hand nothing over). Derived from the stored reply, so a resumed turn, and the workflow
 * reading an abandoned one, know too. Pure.
 */
export function handsOver(input: Pick<TurnInput, 'reply'>, reply: { text: string; kind: ReplyKind }): boolean {
  return 'write' in input.reply && reply.kind === 'notice' && HANDOFF_NOTICES.has(reply.text);
}
