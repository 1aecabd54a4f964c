import type { ContentfulStatusCode } from 'hono/utils/http-status';

const STATUS_BY_CODE = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  bot_not_found: 404,
  unsupported_media_type: 415,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  platform_refused: 502,
  temporal_unavailable: 503,
  not_ready: 503,
  reply_timeout: 504,
} as const satisfies Record<string, ContentfulStatusCode>;

export type AppErrorCode = keyof typeof STATUS_BY_CODE;

/** The one error the HTTP layer throws. `onError` turns it into `{ error: { code, message } }`. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS_BY_CODE[code];
  }
}
