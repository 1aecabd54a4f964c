import { type RouteConfig, z } from '@hono/zod-openapi';
import type { AppErrorCode } from '../app-error';

/** Every error the API answers, whatever the status. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'Stable, machine-readable; branch on this, not on the message.' }),
      message: z.string().openapi({ description: 'What went wrong and what to do next, for people.' }),
      problems: z.array(z.string()).optional().openapi({ description: 'Each invalid field, for `validation_failed`.' }),
    }),
  })
  .openapi('Error', {
    example: { error: { code: 'bot_not_found', message: 'No bot with id "support".' } },
  });

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 502 | 503 | 504;

/** A typical body per status, so each documented error shows what a client really gets. */
const EXAMPLES: Record<ErrorStatus, { code: AppErrorCode; message: string; problems?: string[] }> = {
  400: {
    code: 'validation_failed',
    message: 'Invalid body: text: must not be empty',
    problems: ['text: must not be empty'],
  },
  401: { code: 'unauthorized', message: 'Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".' },
  403: { code: 'forbidden', message: 'This needs the admin role; this key has the viewer role.' },
  404: { code: 'not_found', message: 'No conversation with id "5b0c…".' },
  409: { code: 'conflict', message: 'The conversation has already ended.' },
  413: { code: 'payload_too_large', message: 'The body is larger than 1048576 bytes.' },
  415: { code: 'unsupported_media_type', message: 'Send the body as JSON with "Content-Type: application/json".' },
  429: { code: 'rate_limited', message: 'Too many requests for this API key: at most 600 a minute. Retry in 12 s.' },
  502: { code: 'platform_refused', message: 'Telegram refused setWebhook: Unauthorized. The stored bot token is not valid: …' },
  503: { code: 'temporal_unavailable', message: 'The message was not accepted because the workflow service is unavailable. Retry with the same message id.' },
  504: { code: 'reply_timeout', message: 'The message was accepted and will still be answered, but no reply came within 30000 ms.' },
};

const RETRY_AFTER = z.object({
  'Retry-After': z.string().openapi({ description: 'Seconds until the limit resets.', example: '12' }),
});

/**
 * The documented error responses of a route: for each status, why this route answers it. Every one
 * has the `{ error: { code, message } }` body.
 */
export function errorResponses(reasons: Partial<Record<ErrorStatus, string>>): RouteConfig['responses'] {
  const responses: RouteConfig['responses'] = {};
  for (const [status, description] of Object.entries(reasons) as Array<[`${ErrorStatus}`, string]>) {
    responses[status] = {
      description,
      ...(status === '429' ? { headers: RETRY_AFTER } : {}),
      content: { 'application/json': { schema: ErrorBodySchema, example: { error: EXAMPLES[Number(status) as ErrorStatus] } } },
    };
  }
  return responses;
}
