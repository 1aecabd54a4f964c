/**
 * Records the histories that `conversation-replay.test.ts` replays. Run it only when a workflow change
 * is meant to be incompatible (and then version the workflow instead, if conversations are running),
 * or to add a history of a new shape beside the old ones (with -t and the test's name):
 *
 *   npx jest --selectProjects stack --testMatch '**\/record-history.ts' -- test/replay/record-history.ts [-t 'handoff']
 *
 * Each history is exported with the CLI's JSON, the format operators download from the Web UI.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conversationWorkflowId } from '../../src/conversations/conversation-key';
import { CONVERSATION_WORKFLOW_TYPE } from '../../workflows/definitions';
import { startFakeTelegram } from '../fakes/fake-telegram';
import { telegramHeaders } from '../fakes/webhook-signers';
import { apiConversationHandle, postApiMessage, waitForReplies } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { readTestRun } from '../support/test-run';
import { waitFor } from '../support/wait-for';

/** Histories of the current workflow type go to their own folder; those of older types stay as recorded. */
const CURRENT_SHAPE = CONVERSATION_WORKFLOW_TYPE;

// Without the payload codec: the recorded files are test data anyone can read and replay.
const PLAIN = { TEMPORAL_PAYLOAD_KEY: 'off' };

function saveHistory(file: string, workflowId: string, runId?: string) {
  const run = readTestRun();
  const history = execFileSync(run.temporalCliPath, [
    'workflow', 'show', '--workflow-id', workflowId, ...(runId ? ['--run-id', runId] : []),
    '--address', run.temporalAddress, '--output', 'json',
  ]);
  writeFileSync(join(__dirname, 'histories', CURRENT_SHAPE, file), history);
}

/** Saves every run of a conversation, oldest first, as `<name>.run<n>.json` (a turn may cross continue-as-new). */
async function saveEveryRun(stack: TestStack, name: string, workflowId: string) {
  const runs = await waitFor(`the closed runs of ${workflowId}`, async () => {
    const found = [];
    for await (const execution of stack.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) found.push(execution);
    return found.every((execution) => execution.closeTime) && found.length > 0 && found;
  });
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  runs.forEach((execution, i) => saveHistory(`${name}.run${i + 1}.json`, workflowId, execution.runId));
}

async function conversationOf(stack: TestStack, chatId: string) {
  return waitFor(`the conversation of ${chatId}`, () =>
    stack.db.selectFrom('conversations').selectAll().where('chat_id', '=', chatId).executeTakeFirst(),
  );
}

const act = (stack: TestStack, id: string, action: string, body?: unknown) =>
  requestJson(stack.baseUrl, `/v1/conversations/${id}/${action}`, { method: 'POST', body: body ?? {} });

it('records a conversation that covers every branch of a turn', async () => {
  const stack = await startTestStack({ bot: { idleTimeoutMs: 2_000 }, env: PLAIN });
  try {
    await postApiMessage(stack, 'replay', 'm1', 'hello', true);
    await postApiMessage(stack, 'replay', 'm1', 'hello');
    await postApiMessage(stack, 'replay', 'm2', 'the forbidden-topic please', true);
    stack.fakeOpenAI.enqueue({ kind: 'bad-request' });
    await postApiMessage(stack, 'replay', 'm3', 'this one fails');
    await waitForReplies(stack, 'replay', 3);
    const handle = apiConversationHandle(stack, 'replay');
    await handle.result();
    saveHistory('conversation-ended-idle.json', handle.workflowId);
  } finally {
    await stack.close();
  }
});

it('records the fallback reply after the model keeps failing', async () => {
  const stack = await startTestStack({ bot: { idleTimeoutMs: 2_000 }, env: PLAIN });
  try {
    // Server errors are retried by Temporal until the model step gives up, then the fallback is sent.
    stack.fakeOpenAI.enqueue(...Array.from({ length: 4 }, () => ({ kind: 'server-error' as const })));
    await postApiMessage(stack, 'fallback', 'm1', 'are you there?');
    await waitForReplies(stack, 'fallback', 1, 120_000);
    const handle = apiConversationHandle(stack, 'fallback');
    await handle.result();
    await saveEveryRun(stack, 'fallback-reply', handle.workflowId);
  } finally {
    await stack.close();
  }
}, 180_000);

it('records a handoff with an operator message and a release', async () => {
  const stack = await startTestStack({ bot: { handoffTimeoutMs: 60_000 }, env: PLAIN });
  try {
    await postApiMessage(stack, 'handoff', 'm1', 'hello', true);
    const conversation = await conversationOf(stack, 'handoff');
    expect((await act(stack, conversation.id, 'handoff')).status).toBe(200);
    await postApiMessage(stack, 'handoff', 'm2', 'are you a person?');
    expect((await act(stack, conversation.id, 'messages', { text: 'Hi, I am Sam.', messageId: 'op-1' })).status).toBe(202);
    await waitForReplies(stack, 'handoff', 2);
    expect((await act(stack, conversation.id, 'release')).status).toBe(200);
    await postApiMessage(stack, 'handoff', 'm3', 'back to the bot', true);
    expect((await act(stack, conversation.id, 'end')).status).toBe(202);
    const handle = apiConversationHandle(stack, 'handoff');
    await handle.result();
    await saveEveryRun(stack, 'handoff-operator-release', handle.workflowId);
  } finally {
    await stack.close();
  }
}, 120_000);

it('records a run that continues as new', async () => {
  const stack = await startTestStack({ env: PLAIN });
  try {
    // The run's server suggests continue-as-new at 150 events (global-setup): a dozen turns or so.
    const handle = apiConversationHandle(stack, 'long');
    await postApiMessage(stack, 'long', 'm0', 'sequential 0', true);
    const conversation = await conversationOf(stack, 'long');
    for (let i = 1; i < 40 && (await handle.describe()).runId === conversation.first_run_id; i++) {
      await postApiMessage(stack, 'long', `m${i}`, `sequential ${i}`, true);
    }
    expect((await handle.describe()).runId).not.toBe(conversation.first_run_id);
    saveHistory('continued-as-new.json', handle.workflowId, conversation.first_run_id);
  } finally {
    await stack.close();
  }
}, 120_000);

it('records a paced multi-part Telegram reply', async () => {
  const botToken = '123456789:AAFakeTelegramToken_for-replay';
  const secretToken = 'telegram-secret_token-replay';
  const fake = await startFakeTelegram({ botToken });
  const stack = await startTestStack({
    env: { ...PLAIN, TELEGRAM_BOT_TOKEN: botToken, TELEGRAM_SECRET_TOKEN: secretToken, TELEGRAM_API_BASE_URL: fake.baseUrl },
  });
  try {
    const chatId = 4_242_424;
    const paragraphs = Array.from({ length: 3 }, (_, i) => `Part ${i + 1}. ${'All work and no play. '.repeat(190).trim()}`);
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: paragraphs.join('\n\n') });
    const update = {
      update_id: 77_001,
      message: {
        message_id: 1365, date: 1441645532, text: 'tell me everything',
        chat: { id: chatId, type: 'private', first_name: 'Test' },
        from: { id: chatId, is_bot: false, first_name: 'Test' },
      },
    };
    const res = await fetch(`${stack.baseUrl}/webhooks/telegram/${stack.botId}`, {
      method: 'POST', headers: telegramHeaders(secretToken), body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    await waitFor('three parts sent', () => fake.sends(String(chatId)).length >= 3, { timeoutMs: 30_000 });
    const conversation = await conversationOf(stack, String(chatId));
    expect((await act(stack, conversation.id, 'end')).status).toBe(202);
    const handle = stack.temporal.workflow.getHandle(
      conversationWorkflowId({ botId: stack.botId, platform: 'telegram', chatId: String(chatId) }),
    );
    await handle.result();
    await saveEveryRun(stack, 'telegram-paced-parts', handle.workflowId);
  } finally {
    await stack.close();
    await fake.close();
  }
}, 120_000);

it('records the one idle timer: re-armed when it fires before a deadline that moved, then the idle end', async () => {
  const stack = await startTestStack({ bot: { idleTimeoutMs: 2_000 }, env: PLAIN });
  try {
    await postApiMessage(stack, 'one-timer', 'm1', 'hello', true);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await postApiMessage(stack, 'one-timer', 'm2', 'still here', true);
    const handle = apiConversationHandle(stack, 'one-timer');
    await handle.result();
    await saveEveryRun(stack, 'one-idle-timer', handle.workflowId);
  } finally {
    await stack.close();
  }
});

it('records the memo written on change only: three turns, one memo, then the idle end', async () => {
  const stack = await startTestStack({ bot: { idleTimeoutMs: 2_000 }, env: PLAIN });
  try {
    for (let i = 0; i < 3; i++) await postApiMessage(stack, 'memo', `m${i}`, `turn ${i}`, true);
    const handle = apiConversationHandle(stack, 'memo');
    await handle.result();
    await saveEveryRun(stack, 'memo-on-change', handle.workflowId);
  } finally {
    await stack.close();
  }
});

it('records a handoff the person asked for, a release, and one more turn', async () => {
  const stack = await startTestStack({ bot: { handoffTimeoutMs: 60_000 }, env: PLAIN });
  try {
    await postApiMessage(stack, 'asked', 'm1', 'hello', true);
    await postApiMessage(stack, 'asked', 'm2', 'Can I talk to a human please?', true);
    const conversation = await conversationOf(stack, 'asked');
    expect(conversation.status).toBe('handoff');
    expect((await act(stack, conversation.id, 'release')).status).toBe(200);
    await postApiMessage(stack, 'asked', 'm3', 'back to the bot', true);
    expect((await act(stack, conversation.id, 'end')).status).toBe(202);
    const handle = apiConversationHandle(stack, 'asked');
    await handle.result();
    await saveEveryRun(stack, 'handoff-asked-for', handle.workflowId);
  } finally {
    await stack.close();
  }
}, 120_000);
