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
  ['conversation-ended-idle.json', 'greeting, duplicate, refusal, rejected request with fallback, idle end'],
  ['fallback-reply.run1.json', 'the fallback reply after the model retries run out'],
  ['handoff-operator-release.run1.json', 'handoff, a message during it, an operator message, release, and continue-as-new'],
  ['handoff-operator-release.run2.json', 'the run after continue-as-new, ended by the API'],
  ['continued-as-new.json', 'four waiting callers, then continue-as-new'],
  ['telegram-paced-parts.run1.json', 'a Telegram reply in paced parts, ended by the API'],
  ['one-idle-timer.run1.json', "patched('one-idle-timer'): two turns on one timer, re-armed once, then the idle end"],
  ['memo-on-change.run1.json', "patched('memo-on-change') as well: three turns, one memo write, then the idle end"],
];

describe('conversation workflow replay', () => {
  it.each(HISTORIES)('replays %s (%s)', async (file) => {
    const history = JSON.parse(readFileSync(join(__dirname, 'histories', file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: readTestRun().workflowBundlePath } }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
