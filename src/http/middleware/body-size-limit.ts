import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../app-error';

/**
 * Rejects bodies over `maxBytes` with 413 before anything reads them, and closes the connection:
 * the rest of the body is still on the socket, so a client must not send its next request there.
 */
export function bodySizeLimit(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      c.header('Connection', 'close');
      throw new AppError('payload_too_large', `The body is larger than ${maxBytes} bytes.`);
    },
  });
}
