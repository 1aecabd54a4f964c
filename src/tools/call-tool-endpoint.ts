/**
 * One HTTP call of a tool: the arguments POSTed as JSON, signed like the outgoing webhooks
 * (`X-Tool-Signature: t=<unix seconds>,v1=<HMAC-SHA256(secret, "<t>.<body>")>`), with an
 * `Idempotency-Key` that is the same on every retry of the call.
 */
import { signNotification } from '../notifications/sign-notification';

/** The most of a tool's answer the model reads. */
export const MAX_TOOL_RESULT_CHARS = 16_000;

export interface ToolRequest {
  url: string;
  secret: string;
  timeoutMs: number;
  body: { botId: string; conversationId: string; toolCallId: string; name: string; arguments: unknown };
}

/** What the call came to: an answer, a refusal the model should read, or a failure worth retrying. */
export type ToolResponse = { kind: 'answer'; content: string } | { kind: 'refused'; error: string } | { kind: 'retry'; error: string };

/** Statuses after which the same call may succeed. */
const RETRY_STATUSES = new Set([408, 425, 429]);

export async function callToolEndpoint(request: ToolRequest): Promise<ToolResponse> {
  const body = JSON.stringify(request.body);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-tool-signature': signNotification(request.secret, body),
        'idempotency-key': `${request.body.conversationId}:${request.body.toolCallId}`,
      },
      body,
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return { kind: 'retry', error: timedOut ? `the tool did not answer within ${request.timeoutMs} ms` : `the tool could not be reached: ${(error as Error).message}` };
  }
  const text = (await response.text()).slice(0, MAX_TOOL_RESULT_CHARS);
  if (response.ok) return { kind: 'answer', content: text };
  const said = text.trim() ? `: ${text.slice(0, 500)}` : '';
  if (response.status >= 500 || RETRY_STATUSES.has(response.status)) return { kind: 'retry', error: `the tool answered ${response.status}${said}` };
  return { kind: 'refused', error: `the tool answered ${response.status}${said}` };
}
