import { condition, setHandler } from '@temporalio/workflow';
import type { InboundMessage } from '../src/conversations/inbound-message';
import {
  admitMessage,
  type ConversationState,
  endHandoff,
  findOutcome,
  nextBatch,
  queueProactiveMessage,
  queueAgentMessage,
  recordOutcome,
  type ReplyOutcome,
  snapshotOf,
  startHandoff,
} from './conversation-state';
import {
  agentMessageUpdate,
  conversationStateQuery,
  endConversationSignal,
  handoffUpdate,
  inboundMessageSignal,
  inboundMessageUpdate,
  proactiveMessageUpdate,
  type OperatorAction,
  releaseUpdate,
} from './definitions';

/**
 * The conversation as its message handlers see it: the state, the queue's timing, and what the main
 * loop waits on. Handlers are set first, so no message that arrives with the start is missed.
 */
export interface ConversationEntity {
  readonly state: ConversationState;
  update(state: ConversationState): void;
  /** Bumped by operator actions, so the main loop re-reads the state it waits on. */
  readonly wakeups: number;
  readonly endRequest: string | null;
  /** When the oldest and the newest queued message arrived (workflow time), for the debounce. */
  readonly burst: { firstQueuedAt: number; lastQueuedAt: number };
  hasWork(): boolean;
  /** Takes up to `max` messages from the queue into a turn; with `onePerson`, one author's only. */
  takeBatch(max: number, onePerson: boolean): InboundMessage[];
  /** Marks the batch as being answered (a waiting caller keeps waiting); returns the function that unmarks it. */
  startTurn(batch: InboundMessage[]): () => void;
  /** Starts or ends a handoff; false when the status is already `next` (or ended). */
  changeStatus(next: 'active' | 'handoff', by: string, now: number): boolean;
  /** Answers every queued message with `outcome`, and empties the queue. */
  answerQueued(outcome: ReplyOutcome): void;
}

export function setConversationHandlers(
  initial: ConversationState,
  actions: { changeStatus(next: 'active' | 'handoff', by: string): Promise<void> },
): ConversationEntity {
  let state = initial;
  let wakeups = 0;
  let endRequest: string | null = null;
  let burst = { firstQueuedAt: Date.now(), lastQueuedAt: Date.now() };
  const inTurn = new Set<string>();

  function admit(message: InboundMessage): boolean {
    const wasEmpty = state.queue.length === 0;
    const result = admitMessage(state, message);
    state = result.state;
    if (result.admitted) {
      const now = Date.now();
      burst = { firstQueuedAt: wasEmpty ? now : burst.firstQueuedAt, lastQueuedAt: now };
    }
    return result.admitted;
  }

  setHandler(inboundMessageSignal, (message) => {
    admit(message);
  });
  setHandler(inboundMessageUpdate, async (message): Promise<ReplyOutcome> => {
    const admitted = admit(message);
    const inFlight = () => state.queue.some((m) => m.messageId === message.messageId) || inTurn.has(message.messageId);
    if (!admitted && !findOutcome(state, message.messageId) && !inFlight()) return { status: 'duplicate' };
    await condition(() => findOutcome(state, message.messageId) !== undefined);
    return findOutcome(state, message.messageId)!;
  });
  setHandler(endConversationSignal, ({ reason }) => {
    endRequest = reason;
  });
  setHandler(conversationStateQuery, () => snapshotOf(state));

  const forThisConversation = ({ conversationId: target }: OperatorAction) => {
    if (target !== state.conversationId || state.status === 'ended') throw new Error('This conversation has ended.');
  };
  for (const [update, status] of [
    [handoffUpdate, 'handoff'],
    [releaseUpdate, 'active'],
  ] as const) {
    setHandler(
      update,
      async ({ by }) => {
        await actions.changeStatus(status, by);
        return snapshotOf(state);
      },
      { validator: forThisConversation },
    );
  }
  setHandler(
    agentMessageUpdate,
    ({ messageId, text, by, attachments }) => {
      state = queueAgentMessage(state, { messageId, text, by, ...(attachments && { attachments }) }, Date.now());
      wakeups++;
      return { queued: true };
    },
    {
      validator: (action) => {
        forThisConversation(action);
        if (state.status !== 'handoff') throw new Error('Take the conversation over first: POST /v1/conversations/:id/handoff.');
      },
    },
  );

  setHandler(
    proactiveMessageUpdate,
    async (message) => {
      const queued = queueProactiveMessage(state, message);
      state = queued.state;
      if (queued.queued) wakeups++;
      // A new conversation has its id once its first local activity has opened it.
      await condition(() => state.conversationId !== null);
      return { conversationId: state.conversationId!, queued: queued.queued };
    },
    {
      validator: (_message) => {
        if (state.status === 'handoff') throw new Error('A human has this conversation: send as an operator, POST /v1/conversations/:id/messages.');
        if (state.status === 'ended') throw new Error('This conversation has ended.');
      },
    },
  );

  return {
    get state() {
      return state;
    },
    update(next) {
      state = next;
    },
    get wakeups() {
      return wakeups;
    },
    get endRequest() {
      return endRequest;
    },
    get burst() {
      return burst;
    },
    hasWork: () => state.queue.length > 0 || state.agentOutbox.length > 0 || endRequest !== null,
    takeBatch(max, onePerson) {
      const batch = nextBatch(state.queue, max, onePerson);
      state = { ...state, queue: state.queue.slice(batch.length) };
      return batch;
    },
    startTurn(batch) {
      batch.forEach((m) => inTurn.add(m.messageId));
      return () => batch.forEach((m) => inTurn.delete(m.messageId));
    },
    changeStatus(next, by, now) {
      if (state.status === next || state.status === 'ended') return false;
      state = next === 'handoff' ? startHandoff(state, by, now) : endHandoff(state);
      wakeups++;
      return true;
    },
    answerQueued(outcome) {
      state = recordOutcome({ ...state, queue: [] }, state.queue.map((m) => m.messageId), outcome);
    },
  };
}
