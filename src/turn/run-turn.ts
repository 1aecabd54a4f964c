/**
 * A turn's pipeline: write the reply (or take the one given), store it as a draft, deliver it in
 * parts, record it. It runs as one activity; `resuming` is set on a retry, which then picks up
 * after the last step an earlier attempt finished: it neither asks the model again nor sends a
 * part twice. See the README's "How a message travels" for what a crash at each point re-runs.
 */
import { deliverReply } from './deliver-reply';
import { handsOver } from '../conversations/turn-handoff';
import type { ReplyBrief, TurnInput, TurnReport, TurnStep } from './turn-contract';
import type { Choice } from '../conversations/choices';
import { attachmentsInToolAnswer, MAX_OUTBOUND_ATTACHMENTS, type OutboundAttachment } from '../conversations/outbound-attachment';
import type { StoredDraft, TurnIO } from './turn-io';
import { type Writing, writeReply } from './write-steps';

export async function runTurn(input: TurnInput, io: TurnIO, resuming: boolean): Promise<TurnReport> {
  const earlier = resuming ? await io.earlierWork() : {};
  if (earlier.recorded) {
    // The previous attempt finished everything but telling the workflow.
    const { text, kind, status } = earlier.recorded;
    return {
      outcome: status === 'sent' ? 'sent' : 'failed',
      reply: { text, kind },
      ...(handsOver(input, { text, kind }) ? { handoff: true } : {}),
      steps: [{ step: 'resume', from: `the reply already recorded as ${status}` }],
      usage: [],
      flagged: [],
      partsSent: 0,
      lastSentAt: input.lastSentAt,
    };
  }

  const steps: TurnStep[] = [];
  let draft: StoredDraft;
  let usage: TurnReport['usage'] = [];
  let flagged: TurnReport['flagged'] = [];
  let memory: TurnReport['memory'];
  let understanding: TurnReport['understanding'];
  if (earlier.draft) {
    draft = earlier.draft;
    steps.push({ step: 'resume', from: draft.partsSent === 0 ? 'the written reply, before its first part' : `part ${draft.partsSent + 1}` });
  } else {
    let reply = 'say' in input.reply ? input.reply.say : undefined;
    let attachments = input.attachments ?? [];
    let choices: Choice[] = [];
    if ('write' in input.reply) {
      const writing = await writeReply(input.reply.write, io);
      steps.push(...writing.steps);
      if (writing.toolCalls) return askedForTools(input, writing);
      ({ usage, flagged, memory, understanding } = writing);
      reply = writing.reply;
      // Files a tool offered go with the model's own answer, never with a refusal or a fallback.
      attachments = reply?.kind === 'reply' && writing.modelWrote ? filesFromTools(input.reply.write) : [];
      // Buttons go with the answer they belong to, never with a refusal or a fallback.
      choices = reply?.kind === 'reply' ? (writing.choices ?? []) : [];
    }
    draft = await io.saveDraft({ text: reply!.text, kind: reply!.kind, usage, moderationFlags: flagged.length, attachments, choices });
  }

  // The reply itself ends "typing…" on the platform; no signal may land after it and show it again.
  await io.typing?.stop();
  const delivery = await deliverReply(input, draft, io, steps);
  // A reply shown while it was written, and then not sent, is taken back.
  if (delivery.outcome !== 'sent' && 'write' in input.reply) await io.draftSink?.discard().catch(() => undefined);
  const reply = { text: draft.text, kind: draft.kind };
  const record = { kind: draft.kind, deliveryIds: delivery.deliveryIds, usage: draft.usage, moderationFlags: draft.moderationFlags, attachments: draft.attachments, choices: draft.choices };
  switch (delivery.outcome) {
    case 'sent':
      await io.recordReply({ ...record, text: draft.text, status: 'sent' });
      break;
    case 'suppressed':
      // What went out before the takeover is kept; nothing else is.
      if (delivery.partsSent > 0) {
        await io.recordReply({ ...record, text: delivery.parts.slice(0, delivery.partsSent).join('\n'), status: 'sent' });
      } else await io.discardDraft();
      break;
    case 'failed':
      await io.recordFailure(delivery.failure!);
      await io.recordReply({ ...record, text: draft.text, status: 'failed', error: delivery.failure! });
      break;
  }
  return {
    outcome: delivery.outcome,
    reply,
    steps,
    usage,
    flagged,
    partsSent: delivery.partsSent,
    ...(understanding ? { understanding } : {}),
    ...(handsOver(input, draft) ? { handoff: true } : {}),
    ...(memory ? { memory } : {}),
    lastSentAt: delivery.lastSentAt,
    ...(delivery.failure ? { failure: delivery.failure } : {}),
  };
}


/** The model asked for tools: nothing is stored or sent; the workflow calls them and runs the turn on. */
function askedForTools(input: TurnInput, writing: Writing): TurnReport {
  const { understanding, memory, usage, flagged } = writing;
  return {
    outcome: 'tools',
    reply: { text: '', kind: 'reply' },
    steps: writing.steps,
    usage,
    flagged: [],
    partsSent: 0,
    lastSentAt: input.lastSentAt,
    toolCalls: writing.toolCalls,
    carried: { usage, flagged, ...(understanding ? { understanding } : {}), ...(memory ? { memory } : {}) },
  };
}

/** The files the turn's tools offered to send (`{"attachments": [...]}` in their answers). */
function filesFromTools(brief: ReplyBrief): OutboundAttachment[] {
  const offered = (brief.toolRounds ?? []).flatMap((round) => round.results.flatMap((result) => (result.ok ? attachmentsInToolAnswer(result.content) : [])));
  return offered.slice(0, MAX_OUTBOUND_ATTACHMENTS);
}
