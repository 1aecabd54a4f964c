import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../support/seeded-random';
import { telegramHeaders } from '../fakes/webhook-signers';

/** One message a person sends in the scenario; its text names the conversation and its place in it. */
export interface ScenarioMessage {
  conversation: number;
  /** 1-based, the order the person sends them in. */
  seq: number;
  chatId: string;
  updateId: number;
  text: string;
  /** Date.now() when the webhook first went out, and when it got its 200. */
  firstSentAt?: number;
  acceptedAt?: number;
  /** The API instance (webhook URL) that took it. */
  acceptedBy?: string;
  /** Webhook deliveries that got no 200 and were sent again, by what they got ("503", "network"). */
  retries: Record<string, number>;
}

/** The text of message `seq` of `conversation`; the fake model echoes it, so replies can be checked. */
export function messageText(conversation: number, seq: number): string {
  return `conversation ${conversation} message ${seq}`;
}

/** The (conversation, seq) pairs a reply's text answers, in the order it names them. */
export function answeredInText(text: string): Array<{ conversation: number; seq: number }> {
  return [...text.matchAll(/conversation (\d+) message (\d+)/g)].map((m) => ({ conversation: Number(m[1]), seq: Number(m[2]) }));
}

export function planMessages(conversations: number, messagesPerConversation: number): ScenarioMessage[] {
  const messages: ScenarioMessage[] = [];
  for (let c = 0; c < conversations; c++) {
    for (let seq = 1; seq <= messagesPerConversation; seq++) {
      messages.push({
        conversation: c,
        seq,
        chatId: String(700_000_000 + c),
        updateId: 500_000_000 + c * 1_000 + seq,
        text: messageText(c, seq),
        retries: {},
      });
    }
  }
  return messages;
}

/** A private-chat text Update as Telegram posts it. */
function telegramUpdate(message: ScenarioMessage): string {
  const person = { id: Number(message.chatId), is_bot: false, first_name: `Person ${message.conversation}` };
  return JSON.stringify({
    update_id: message.updateId,
    message: {
      message_id: message.seq,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(message.chatId), type: 'private', first_name: person.first_name },
      from: person,
      text: message.text,
    },
  });
}

export interface LoadOptions {
  /** Every API instance's webhook URL: deliveries are spread over them, as a load balancer would. */
  webhookUrls: string[];
  secretToken: string;
  messages: ScenarioMessage[];
  /** The conversations' messages are spread over about this long. */
  spreadMs: number;
  /** A message still not accepted after this long is given up on (counted lost). Default 10 min. */
  giveUpAfterMs?: number;
  seed?: number;
}

/**
 * Plays the people and the platform: each conversation sends its messages one after another, with
 * pauses, as signed Telegram webhooks. A webhook that gets a 5xx or no answer is delivered again
 * with the same update_id, with backoff, as Telegram does, until it gets its 200. The next message
 * of a conversation goes only after the previous one was accepted, so acceptance order is send order.
 */
export async function sendConversations(options: LoadOptions): Promise<void> {
  const random = seededRandom(options.seed ?? 42);
  const byConversation = new Map<number, ScenarioMessage[]>();
  for (const message of options.messages) {
    byConversation.set(message.conversation, [...(byConversation.get(message.conversation) ?? []), message]);
  }
  const meanPauseMs = options.spreadMs / Math.max(1, Math.max(...[...byConversation.values()].map((list) => list.length)));
  await Promise.all(
    [...byConversation.values()].map(async (list) => {
      const pauses = list.map(() => random() * 2 * meanPauseMs * 0.9);
      for (const [i, message] of list.entries()) {
        await sleep(pauses[i]!);
        await deliverUntilAccepted(options, message);
      }
    }),
  );
}

async function deliverUntilAccepted(options: LoadOptions, message: ScenarioMessage): Promise<void> {
  const body = telegramUpdate(message);
  const giveUpAt = Date.now() + (options.giveUpAfterMs ?? 600_000);
  message.firstSentAt = Date.now();
  for (let attempt = 0; ; attempt++) {
    let outcome: string;
    try {
      // A load balancer: each conversation starts on its own instance, and a retry tries the next one.
      const url = options.webhookUrls[(message.conversation + attempt) % options.webhookUrls.length]!;
      const response = await fetch(url, {
        method: 'POST',
        headers: telegramHeaders(options.secretToken),
        body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      if (response.ok) {
        message.acceptedAt = Date.now();
        message.acceptedBy = url;
        return;
      }
      if (response.status < 500) throw new Error(`The webhook for ${message.text} answered ${response.status}: the scenario is broken`);
      outcome = String(response.status);
    } catch (error) {
      if (error instanceof Error && error.message.includes('the scenario is broken')) throw error;
      outcome = 'network';
    }
    message.retries[outcome] = (message.retries[outcome] ?? 0) + 1;
    if (Date.now() > giveUpAt) return;
    await sleep(Math.min(500 * 2 ** attempt, 5_000));
  }
}
