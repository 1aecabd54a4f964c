import type { FaultEvent } from './fault-schedule';
import { answeredInText, type ScenarioMessage } from './load-generator';
import type { WorkerLife } from './process-supervisor';

/** A sendMessage call the fake platform accepted (200). */
export interface ReceivedSend {
  chatId: string;
  text: string;
  at: number;
}

/** A row of the messages table, as the verifier reads it. */
export interface StoredMessage {
  chatId: string;
  direction: 'inbound' | 'outbound';
  text: string;
  kind: string;
  status: string;
  outboundKey: string | null;
  platformMessageId: string | null;
}

export interface DuplicateSend {
  chatId: string;
  text: string;
  firstAt: number;
  againAt: number;
  /** Why the platform got it twice, when a fault explains it. */
  explanation?: string;
}

export interface DeliveryReport {
  messages: number;
  accepted: number;
  answered: number;
  lost: Array<{ chatId: string; text: string; reason: 'never accepted' | 'not answered' }>;
  duplicates: { explained: DuplicateSend[]; unexplained: DuplicateSend[] };
  outOfOrder: Array<{ chatId: string; text: string; detail: string }>;
  /** Messages answered with the bot's fallback reply (the model failed past its retries). */
  fallbackAnswers: number;
  databaseMismatches: string[];
  /** From the end of the faults to the last message answered; undefined while some are unanswered. */
  drainMs?: number;
}

export interface VerifyInput {
  messages: ScenarioMessage[];
  sends: ReceivedSend[];
  stored: StoredMessage[];
  fallbackReply: string;
  workerLives: WorkerLife[];
  faults: FaultEvent[];
  faultsEndedAt: number;
}

/**
 * Checks what the platform received against what the people sent and what the database holds:
 * every accepted message answered, once, in order, and recorded as sent. Replies echo the
 * messages they answer; a fallback reply is tied to its messages through the stored outbound key.
 */
export function verifyDeliveries(input: VerifyInput): DeliveryReport {
  const report: DeliveryReport = {
    messages: input.messages.length,
    accepted: input.messages.filter((m) => m.acceptedAt !== undefined).length,
    answered: 0,
    lost: [],
    duplicates: { explained: [], unexplained: [] },
    outOfOrder: [],
    fallbackAnswers: 0,
    databaseMismatches: [],
  };
  const byChat = groupBy(input.messages, (m) => m.chatId);
  let lastAnsweredAt = 0;

  for (const [chatId, messages] of byChat) {
    const conversation = messages[0]!.conversation;
    const seqOfUpdate = new Map(messages.map((m) => [String(m.updateId), m.seq]));
    const sends = input.sends.filter((s) => s.chatId === chatId);
    const stored = input.stored.filter((s) => s.chatId === chatId);
    const fallbackRows = stored.filter((s) => s.direction === 'outbound' && s.kind === 'fallback');
    let extraFallbacks = sends.filter((s) => s.text === input.fallbackReply).length - fallbackRows.length;

    // A send repeated at once is the same activity run again; the workflow sends nothing else in between.
    const kept: ReceivedSend[] = [];
    for (const send of sends) {
      const previous = kept.at(-1);
      const isFallback = send.text === input.fallbackReply;
      if (previous?.text === send.text && (!isFallback || extraFallbacks > 0)) {
        if (isFallback) extraFallbacks--;
        const duplicate = { chatId, text: send.text, firstAt: previous.at, againAt: send.at };
        const explanation = explainDuplicate(duplicate, input);
        if (explanation) report.duplicates.explained.push({ ...duplicate, explanation });
        else report.duplicates.unexplained.push(duplicate);
        continue;
      }
      kept.push(send);
    }

    const answeredAt = new Map<number, number>();
    let highest = 0;
    let fallbackIndex = 0;
    for (const send of kept) {
      let seqs: number[];
      if (send.text === input.fallbackReply) {
        const row = fallbackRows[fallbackIndex++];
        const last = row?.outboundKey ? seqOfUpdate.get(row.outboundKey.replace(/^reply:/, '')) : undefined;
        seqs = last === undefined ? [] : range(highest + 1, last);
        report.fallbackAnswers += seqs.length;
      } else {
        const named = answeredInText(send.text);
        const elsewhere = named.filter((n) => n.conversation !== conversation);
        if (elsewhere.length > 0) report.databaseMismatches.push(`chat ${chatId} got a reply meant for another conversation: "${send.text}"`);
        seqs = named.filter((n) => n.conversation === conversation).map((n) => n.seq);
      }
      for (const seq of seqs) {
        const text = messages.find((m) => m.seq === seq)?.text ?? `message ${seq}`;
        if (answeredAt.has(seq)) {
          report.duplicates.unexplained.push({ chatId, text: send.text, firstAt: answeredAt.get(seq)!, againAt: send.at });
          continue;
        }
        if (seq < highest) report.outOfOrder.push({ chatId, text, detail: `answered after message ${highest} of the same conversation` });
        answeredAt.set(seq, send.at);
        highest = Math.max(highest, seq);
      }
    }

    for (const message of messages) {
      const at = answeredAt.get(message.seq);
      if (message.acceptedAt === undefined) report.lost.push({ chatId, text: message.text, reason: 'never accepted' });
      else if (at === undefined) report.lost.push({ chatId, text: message.text, reason: 'not answered' });
      else {
        report.answered++;
        lastAnsweredAt = Math.max(lastAnsweredAt, at);
      }
    }

    report.databaseMismatches.push(...compareWithDatabase(chatId, messages, kept, stored));
  }

  if (report.lost.length === 0) report.drainMs = Math.max(0, lastAnsweredAt - input.faultsEndedAt);
  return report;
}

/** The database must hold each accepted message once, in order, and exactly the replies the platform took. */
function compareWithDatabase(chatId: string, messages: ScenarioMessage[], kept: ReceivedSend[], stored: StoredMessage[]): string[] {
  const problems: string[] = [];
  const inbound = stored.filter((s) => s.direction === 'inbound').map((s) => s.platformMessageId);
  const expectedInbound = messages.filter((m) => m.acceptedAt !== undefined).map((m) => String(m.updateId));
  if (inbound.join(',') !== expectedInbound.join(',')) {
    problems.push(`chat ${chatId}: stored inbound ${inbound.join(',') || 'none'}, accepted ${expectedInbound.join(',') || 'none'}`);
  }
  const outbound = stored.filter((s) => s.direction === 'outbound');
  for (const row of outbound.filter((r) => r.status !== 'sent')) {
    problems.push(`chat ${chatId}: reply "${row.text}" stored as ${row.status}`);
  }
  const storedTexts = outbound.map((r) => r.text);
  const receivedTexts = kept.map((s) => s.text);
  if (storedTexts.join('\u0000') !== receivedTexts.join('\u0000')) {
    problems.push(`chat ${chatId}: stored replies [${storedTexts.join(' | ')}], platform received [${receivedTexts.join(' | ')}]`);
  }
  return problems;
}

/**
 * The one duplicate the design allows: the platform took a send, and the worker died (or Temporal
 * went away) before the activity's completion was recorded, so the retry sent it again.
 */
function explainDuplicate(duplicate: Omit<DuplicateSend, 'explanation'>, input: VerifyInput): string | undefined {
  const { firstAt, againAt } = duplicate;
  // With several workers, the one that sent is not known: a worker alive then and SIGKILLed before the resend explains it.
  const life = input.workerLives.find((l) => l.startedAt <= firstAt && l.killed && l.endedAt! >= firstAt && l.endedAt! <= againAt);
  if (life) {
    return `worker ${life.pid} was SIGKILLed ${life.endedAt! - firstAt} ms after Telegram took the reply, before the send activity's completion reached Temporal; the next attempt sent it again ${((againAt - firstAt) / 1000).toFixed(1)} s later`;
  }
  const downs = input.faults.filter((f) => f.kind === 'temporal-down');
  for (const down of downs) {
    const up = input.faults.find((f) => f.kind === 'temporal-up' && f.at >= down.at);
    if (down.at <= againAt && (up?.at ?? Infinity) >= firstAt) {
      return `Temporal was restarted ${down.at - firstAt} ms after Telegram took the reply, so the send activity's completion was not recorded; it was sent again ${((againAt - firstAt) / 1000).toFixed(1)} s later`;
    }
  }
  return undefined;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function range(from: number, to: number): number[] {
  return from > to ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
