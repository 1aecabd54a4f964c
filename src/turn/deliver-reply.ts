/**
 * Sends a stored reply in parts that fit the platform, paced, stopping before any part a human's
 * takeover reaches. Each part sent is counted in the draft before the next goes, so a retried turn
 * never sends a part twice.
 */
import { outboundPartKey, paceDelayMs } from '../conversations/outbound-parts';
import { splitMarkdown } from '../formatting/split-markdown';
import { PLATFORM_RULES } from '../platforms/platform-rules';
import type { DeliveryReceipt } from '../platforms/platform-adapter';
import type { TurnInput, TurnStep } from './turn-contract';
import { type TemplateMessage, windowClosed } from '../conversations/whatsapp-templates';
import { attachmentLinkText, type OutboundAttachment } from '../conversations/outbound-attachment';
import type { Choice } from '../conversations/choices';
import type { StoredDraft, TurnIO } from './turn-io';

/**
 * A wait the platform asks for (Retry-After) up to this long happens inside the turn. A longer one
 * fails the attempt with that wait as the next retry's delay: Temporal holds it durably, and the
 * retried turn resumes from its draft.
 */
export const LONGEST_WAIT_IN_TURN_MS = 10_000;

export interface Delivery {
  outcome: 'sent' | 'suppressed' | 'failed';
  /** The parts of the reply, as split for the platform. */
  parts: string[];
  partsSent: number;
  deliveryIds: string[];
  lastSentAt: number | null;
  failure?: { type: string; message: string };
}

export async function deliverReply(input: TurnInput, draft: StoredDraft, io: TurnIO, steps: TurnStep[]): Promise<Delivery> {
  const rules = PLATFORM_RULES[input.key.platform];
  // A message of files alone has no text part.
  const parts = draft.text.trim() === '' && draft.attachments.length > 0 ? [] : splitMarkdown(draft.text, rules.textLimit);
  // Notices and an operator's messages always go; only the bot's own reply yields to a human.
  const mayStop = input.author === 'bot' && draft.kind !== 'notice';
  const deliveryIds = [...draft.deliveryIds];
  let lastSentAt = input.lastSentAt;
  const result = (outcome: Delivery['outcome'], partsSent: number, failure?: Delivery['failure']): Delivery => ({
    outcome,
    parts,
    partsSent,
    deliveryIds,
    lastSentAt,
    ...(failure ? { failure } : {}),
  });

  // Outside WhatsApp's 24-hour window only an approved template reaches the person: it goes whole, instead of the text.
  const { whatsappTemplate: template } = input;
  if (template && draft.partsSent === 0 && windowClosed(await io.lastInboundAt(), io.now())) {
    io.progress('sending the template');
    const sent = await sendPart(input, draft.text, input.outboundKey, io, steps, template);
    if ('failure' in sent) {
      steps.push({ step: 'fail', ...sent.failure });
      return result('failed', 0, sent.failure);
    }
    deliveryIds.push(...sent.platformMessageIds);
    lastSentAt = io.now();
    steps.push({ step: 'send', part: `template ${template.name}`, platformMessageIds: sent.platformMessageIds });
    return { ...result('sent', parts.length) };
  }

  // The text's parts, then each file the reply carries: one send each, counted alike.
  const total = parts.length + draft.attachments.length;
  for (let index = draft.partsSent; index < total; index++) {
    const wait = paceDelayMs({ lastSentAt, now: io.now(), minIntervalMs: rules.minSendIntervalMs });
    if (wait > 0) {
      steps.push({ step: 'wait', ms: wait, why: 'pacing: the platform allows one message per chat this often' });
      await io.sleep(wait);
    }
    if (mayStop && !(await io.botMayReply())) {
      steps.push({ step: 'suppress', why: 'a human took the conversation over', partsSent: index });
      return result('suppressed', index);
    }
    const partKey = outboundPartKey(input.outboundKey, index, total);
    const file = draft.attachments[index - parts.length];
    const label = file ? `file ${index - parts.length + 1}/${draft.attachments.length}` : total === 1 ? 'whole' : `${index + 1}/${total}`;
    io.progress(`sending part ${label}`);
    // The buttons go under the last part of the text.
    const choices = index === parts.length - 1 && draft.choices.length > 0 ? draft.choices : undefined;
    const sent = file ? await sendFile(input, file, partKey, io, steps) : await sendPart(input, parts[index]!, partKey, io, steps, undefined, undefined, choices);
    if ('failure' in sent) {
      steps.push({ step: 'fail', ...sent.failure });
      return result('failed', index, sent.failure);
    }
    deliveryIds.push(...sent.platformMessageIds);
    lastSentAt = io.now();
    steps.push({ step: 'send', part: 'asLink' in sent ? `${label} as a link` : label, platformMessageIds: sent.platformMessageIds });
    if (index + 1 < total) await io.markPartsSent(index + 1, deliveryIds);
  }
  return result('sent', total);
}

/** A file with the platform's media API; when the platform refuses it for good, its link as text instead. */
async function sendFile(
  input: TurnInput,
  file: OutboundAttachment,
  outboundKey: string,
  io: TurnIO,
  steps: TurnStep[],
): Promise<(DeliveryReceipt & { asLink?: true }) | { failure: { type: string; message: string } }> {
  const sent = await sendPart(input, '', outboundKey, io, steps, undefined, file);
  if (!('failure' in sent)) return sent;
  steps.push({ step: 'fail', ...sent.failure });
  const link = await sendPart(input, attachmentLinkText(file), `${outboundKey}:link`, io, steps);
  return 'failure' in link ? link : { ...link, asLink: true };
}

/** One part, waiting in the turn when the platform asks briefly; a permanent refusal is returned, not thrown. */
async function sendPart(
  input: TurnInput,
  text: string,
  outboundKey: string,
  io: TurnIO,
  steps: TurnStep[],
  template?: TemplateMessage,
  attachment?: OutboundAttachment,
  choices?: Choice[],
): Promise<DeliveryReceipt | { failure: { type: string; message: string } }> {
  for (;;) {
    try {
      return await io.send({
        key: input.key,
        text,
        outboundKey,
        ...(input.replyContext ? { replyContext: input.replyContext } : {}),
        ...(template && { template }),
        ...(attachment && { attachment }),
        ...(choices && { choices }),
      });
    } catch (error) {
      const failure = io.classify(error);
      if (failure.retry === 'never') return { failure: { type: failure.type, message: failure.message } };
      if (failure.retry === 'after' && failure.afterMs <= LONGEST_WAIT_IN_TURN_MS) {
        steps.push({ step: 'wait', ms: failure.afterMs, why: `the platform asked (${failure.type})` });
        await io.sleep(failure.afterMs);
        continue;
      }
      // Temporal retries the turn: after the wait the platform asked for, or with backoff.
      throw error;
    }
  }
}
