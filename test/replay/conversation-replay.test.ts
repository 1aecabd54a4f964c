import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { readTestRun } from '../support/test-run';

/**
 * Replays recorded conversations against today's workflow code. It fails when a change would make
 * running conversations non-deterministic: reorder or remove a step, and this test names the event.
 * The histories come from `record-history.ts`; those of an older shape stay here for as long as
 * conversations of that shape may still be running.
 */
const HISTORIES: Array<[file: string, covers: string]> = [
  // The current shape, conversationV2: a turn is beginTurn (local) and runTurn.
  ['conversationV2/conversation-ended-idle.json', 'greeting, duplicate, refusal, rejected request with fallback, idle end'],
  ['conversationV2/fallback-reply.run1.json', 'the fallback reply after the model retries run out'],
  ['conversationV2/handoff-operator-release.run1.json', 'handoff, a message during it, an operator message, release, end by the API'],
  ['conversationV2/continued-as-new.json', 'waiting callers, then continue-as-new'],
  ['conversationV2/telegram-paced-parts.run1.json', 'a Telegram reply in paced parts, ended by the API'],
  ['conversationV2/one-idle-timer.run1.json', 'two turns on one timer, re-armed once, then the idle end'],
  ['conversationV2/memo-on-change.run1.json', 'three turns, one memo write, then the idle end'],
  [
    'conversationV2/handoff-asked-for-before-intents.run1.json',
    "recorded before patched('handoff-by-intent'): the English rule decides in the workflow, the status changes before the notice",
  ],
  ['conversationV2/handoff-asked-for.run1.json', 'the human intent, told by the pipeline: the notice, then the status; a release and one more turn'],
  // The first shape, conversationWorkflow (workflows/legacy/), for conversations started before it.
  ['first-shape/conversation-ended-idle.json', 'greeting, duplicate, refusal, rejected request with fallback, idle end'],
  ['first-shape/fallback-reply.run1.json', 'the fallback reply after the model retries run out'],
  ['first-shape/handoff-operator-release.run1.json', 'handoff, a message during it, an operator message, release, and continue-as-new'],
  ['first-shape/handoff-operator-release.run2.json', 'the run after continue-as-new, ended by the API'],
  ['first-shape/continued-as-new.json', 'four waiting callers, then continue-as-new'],
  ['first-shape/telegram-paced-parts.run1.json', 'a Telegram reply in paced parts, ended by the API'],
  ['first-shape/one-idle-timer.run1.json', "patched('one-idle-timer'): two turns on one timer, re-armed once, then the idle end"],
  ['first-shape/memo-on-change.run1.json', "patched('memo-on-change') as well: three turns, one memo write, then the idle end"],
];

describe('conversation workflow replay', () => {
  it.each(HISTORIES)('replays %s (%s)', async (file) => {
    const history = JSON.parse(readFileSync(join(__dirname, 'histories', file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: readTestRun().workflowBundlePath } }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
