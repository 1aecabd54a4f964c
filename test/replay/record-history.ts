/**
 * Records the history that `conversation-replay.test.ts` replays. Run it only when a workflow change
 * is meant to be incompatible (and then version the workflow instead, if conversations are running):
 *
 *   npx jest --testMatch '**\/record-history.ts' test/replay/record-history.ts
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiConversationHandle, postApiMessage, waitForReplies } from '../support/conversation-probes';
import { startTestStack } from '../support/test-stack';
import { readTestRun } from '../support/test-run';

it('records a conversation that covers every branch of a turn', async () => {
  // Without the payload codec: the recorded file is test data anyone can read and replay.
  const stack = await startTestStack({ bot: { idleTimeoutMs: 2_000 }, env: { TEMPORAL_PAYLOAD_KEY: 'off' } });
  try {
    await postApiMessage(stack, 'replay', 'm1', 'hello', true);
    await postApiMessage(stack, 'replay', 'm1', 'hello');
    await postApiMessage(stack, 'replay', 'm2', 'the forbidden-topic please', true);
    stack.fakeOpenAI.enqueue({ kind: 'bad-request' });
    await postApiMessage(stack, 'replay', 'm3', 'this one fails');
    await waitForReplies(stack, 'replay', 3);
    const handle = apiConversationHandle(stack, 'replay');
    await handle.result();
    const run = readTestRun();
    // The CLI's JSON export is the format operators download from the Web UI, and what replay reads.
    const history = execFileSync(run.temporalCliPath, [
      'workflow', 'show', '--workflow-id', handle.workflowId, '--address', run.temporalAddress, '--output', 'json',
    ]);
    writeFileSync(join(__dirname, 'histories', 'conversation-ended-idle.json'), history);
  } finally {
    await stack.close();
  }
});
