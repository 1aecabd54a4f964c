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

export function createLogger(options: { level: string; destination?: DestinationStream; format?: 'json' | 'pretty' }): Logger {
  const destination = options.destination ?? (options.format === 'pretty' ? prettyStream() : undefined);
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'chat-orchestrator' },
      // Errors as type, message, stack and cause, under either name: the Temporal SDK logs `error`.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
}

/**
 * Readable lines for a developer's terminal (pino-pretty, a development dependency, so a
 * production install without it falls back to JSON). Synchronous, so the banner printed after a
 * log line comes after it.
 */
function prettyStream(): DestinationStream | undefined {
  try {
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ sync: true, ignore: 'pid,hostname,service,process', translateTime: 'HH:MM:ss.l', singleLine: true });
  } catch {
    return undefined;
  }
}
