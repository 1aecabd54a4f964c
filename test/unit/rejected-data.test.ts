import { INBOUND_REJECTED, rejectedMessageIds } from '../../src/conversations/inbound-rejection';
import { isRejectedData } from '../../src/db/rejected-data';

describe('isRejectedData', () => {
  it.each([
    ['22021', true], // invalid byte sequence for encoding
    ['22P05', true], // unsupported Unicode escape (NUL in jsonb)
    ['22001', true], // value too long
    ['23514', true], // check violation
    ['23505', false], // unique violation: handled by ON CONFLICT
    ['08006', false], // connection failure: a retry can cure it
    ['57P01', false], // admin shutdown
  ])('code %s → %s', (code, expected) => {
    expect(isRejectedData(Object.assign(new Error('x'), { code }))).toBe(expected);
  });

  it('is false for errors with no SQLSTATE', () => {
    expect(isRejectedData(new Error('ECONNREFUSED'))).toBe(false);
    expect(isRejectedData(null)).toBe(false);
  });
});

describe('rejectedMessageIds', () => {
  it('reads the ids from an InboundRejected failure and ignores other failures', () => {
    expect(rejectedMessageIds({ type: INBOUND_REJECTED, details: [{ rejectedMessageIds: ['a', 'b'] }] })).toEqual(['a', 'b']);
    expect(rejectedMessageIds({ type: 'BotNotFound', details: [] })).toBeUndefined();
  });
});
