import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths whose values never reach a log line, whoever logs them. */
export const REDACTED_PATHS = [
  'token',
  'apiKey',
  'secret',
  'password',
  'authorization',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'chat-orchestrator' },
      // Errors as type, message, stack and cause, under either name: the Temporal SDK logs `error`.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    options.destination,
  );
}
