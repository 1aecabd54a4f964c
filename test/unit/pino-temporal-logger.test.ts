import { Writable } from 'node:stream';
import pino from 'pino';
import { createPinoTemporalLogger } from '../../src/temporal/pino-temporal-logger';

describe('the Temporal SDK logger', () => {
  it("writes the SDK's lines through pino, without the activity's opaque task token", () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = createPinoTemporalLogger(pino({ level: 'info' }, sink));
    logger.warn('Replying with the offline responder', { taskToken: 'CiQwMWEy…', activityType: 'runTurn', workflowId: 'conversation:default:api:c1' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'Replying with the offline responder', activityType: 'runTurn', workflowId: 'conversation:default:api:c1' });
    expect(lines[0]).not.toHaveProperty('taskToken');
  });
});
