import { ApplicationFailure } from '@temporalio/common';
import { failureClass, parseRetryAfterMs, permanentFailure, rateLimitedFailure } from '../../src/temporal/failures';
import { moderateWithWordList } from '../../src/model/word-list-moderation';

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfterMs('2')).toBe(2000);
    expect(parseRetryAfterMs('0.5')).toBe(500);
    expect(parseRetryAfterMs('Sat, 28 Nov 2026 00:00:10 GMT', Date.parse('2026-11-28T00:00:00Z'))).toBe(10_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});

describe('moderateWithWordList', () => {
  it('flags listed phrases as whole words, in any case', () => {
    expect(moderateWithWordList('I will KILL YOU!')).toMatchObject({ flagged: true, categories: ['violence'] });
    expect(moderateWithWordList('the skill you have')).toMatchObject({ flagged: false });
  });
});

describe('failureClass', () => {
  it('names what the next attempt must do', () => {
    expect(failureClass(new Error('socket hang up'))).toBe('transient');
    expect(failureClass(ApplicationFailure.create({ message: '502', type: 'TelegramServerError' }))).toBe('transient');
    expect(failureClass(rateLimitedFailure('slow down', 3000, 'SlackRateLimited'))).toBe('rate_limited');
    expect(failureClass(rateLimitedFailure('slow down, no hint', undefined, 'DiscordRateLimited'))).toBe('rate_limited');
    expect(failureClass(permanentFailure('blocked', 'TelegramBotBlocked'))).toBe('permanent');
  });
});
