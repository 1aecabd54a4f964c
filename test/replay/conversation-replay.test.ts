import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { readTestRun } from '../support/test-run';

/**
 * Replays a recorded conversation against today's workflow code. It fails when a change would make
 * running conversations non-deterministic: reorder or remove a step, and this test names the event.
 */
describe('conversation workflow replay', () => {
  it('replays a recorded conversation (greeting, duplicate, refusal, fallback, idle end)', async () => {
    const history = JSON.parse(readFileSync(join(__dirname, 'histories', 'conversation-ended-idle.json'), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: readTestRun().workflowBundlePath } }, history, 'conversation-replay'),
    ).resolves.toBeUndefined();
  });
});
