import { ApplicationFailure } from '@temporalio/common';
import { createLogger } from '../../src/logger';
import { createPinoTemporalLogger } from '../../src/temporal/pino-temporal-logger';

function capture() {
  const lines: any[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('logged errors', () => {
  it('carry their type, message and stack, under `err` and under the `error` the Temporal SDK uses', () => {
    const { logger, lines } = capture();
    const failure = ApplicationFailure.create({ message: 'Telegram said no', type: 'TelegramChatNotFound', nonRetryable: true });
    createPinoTemporalLogger(logger).warn('Activity failed', { error: failure });
    logger.error({ err: new Error('boom') }, 'Shutdown step failed');
    expect(lines[0].error).toEqual(expect.objectContaining({ type: 'ApplicationFailure', message: 'Telegram said no', stack: expect.any(String) }));
    expect(lines[1].err).toEqual(expect.objectContaining({ type: 'Error', message: 'boom' }));
  });
});
