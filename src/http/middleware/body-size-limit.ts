import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../app-error';

/** Rejects bodies over `maxBytes` with 413 before anything reads them. */
export function bodySizeLimit(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `The body is larger than ${maxBytes} bytes.`);
    },
  });
}
