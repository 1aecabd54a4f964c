import { planMessages } from './load-generator';
import { type ReceivedSend, type StoredMessage, verifyDeliveries } from './verify-deliveries';

const FALLBACK = 'Sorry, something went wrong.';

function scenario() {
  const messages = planMessages(1, 3);
  messages.forEach((m, i) => (m.acceptedAt = 1_000 + i));
  const chatId = messages[0]!.chatId;
  const inbound: StoredMessage[] = messages.map((m) => ({
    chatId, direction: 'inbound', text: m.text, kind: 'message', status: 'received', outboundKey: null, platformMessageId: String(m.updateId),
  }));
  const reply = (text: string, lastSeq: number, kind = 'reply'): StoredMessage => ({
    chatId, direction: 'outbound', text, kind, status: 'sent', outboundKey: `reply:${messages[lastSeq - 1]!.updateId}`, platformMessageId: null,
  });
  const send = (text: string, at: number): ReceivedSend => ({ chatId, text, at });
  return { messages, chatId, inbound, reply, send };
}

const base = { fallbackReply: FALLBACK, faults: [], faultsEndedAt: 0 };

describe('verifyDeliveries', () => {
  it('passes replies that answer every message once, in order, batched or not, and a fallback through its outbound key', () => {
    const { messages, inbound, reply, send } = scenario();
    const report = verifyDeliveries({
      ...base,
      messages,
      sends: [send('echo: conversation 0 message 1\nconversation 0 message 2', 10), send(FALLBACK, 20)],
      stored: [inbound[0]!, inbound[1]!, reply('echo: conversation 0 message 1\nconversation 0 message 2', 2), inbound[2]!, reply(FALLBACK, 3, 'fallback')],
      workerLives: [],
    });
    expect(report).toMatchObject({ answered: 3, lost: [], outOfOrder: [], fallbackAnswers: 1, databaseMismatches: [], drainMs: 20 });
    expect(report.duplicates).toEqual({ explained: [], unexplained: [] });
  });

  it('explains a repeated send by the kill of the worker that made the first, and nothing else', () => {
    const { messages, inbound, reply, send } = scenario();
    const text = (n: number) => `echo: conversation 0 message ${n}`;
    const report = verifyDeliveries({
      ...base,
      messages,
      sends: [send(text(1), 100), send(text(1), 900), send(text(2), 1_000), send(text(2), 1_100), send(text(3), 1_200)],
      stored: [...inbound, reply(text(1), 1), reply(text(2), 2), reply(text(3), 3)],
      workerLives: [
        { role: 'worker', pid: 1, startedAt: 0, endedAt: 150, killed: true },
        { role: 'worker', pid: 2, startedAt: 800, killed: false },
      ],
    });
    expect(report.duplicates.explained).toEqual([expect.objectContaining({ text: text(1), explanation: expect.stringContaining('worker 1 was SIGKILLed 50 ms after') })]);
    expect(report.duplicates.unexplained).toEqual([expect.objectContaining({ text: text(2), firstAt: 1_000, againAt: 1_100 })]);
  });

  it('reports a message never answered as lost and one answered after a later one as out of order', () => {
    const { messages, inbound, reply, send } = scenario();
    const text = (n: number) => `echo: conversation 0 message ${n}`;
    const report = verifyDeliveries({
      ...base,
      messages,
      sends: [send(text(2), 10), send(text(1), 20)],
      stored: [...inbound, reply(text(2), 2), reply(text(1), 1)],
      workerLives: [],
    });
    expect(report.lost).toEqual([expect.objectContaining({ text: 'conversation 0 message 3', reason: 'not answered' })]);
    expect(report.outOfOrder).toEqual([expect.objectContaining({ text: 'conversation 0 message 1' })]);
    expect(report.drainMs).toBeUndefined();
  });

  it('reports a reply the platform took that the database does not hold', () => {
    const { messages, inbound, send } = scenario();
    const report = verifyDeliveries({
      ...base,
      messages,
      sends: [send('echo: conversation 0 message 1\nconversation 0 message 2\nconversation 0 message 3', 10)],
      stored: inbound,
      workerLives: [],
    });
    expect(report.databaseMismatches).toEqual([expect.stringContaining('stored replies []')]);
  });
});
