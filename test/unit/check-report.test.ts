import { formatCheck, maskSecret, summary, withoutSecrets } from '../../src/ops/check-report';

describe('validate-config lines', () => {
  it('show at most the last four characters of a secret', () => {
    expect(maskSecret('xoxb-1234-abcd')).toBe('…abcd');
    expect(maskSecret('short')).toBe('…');
    expect(maskSecret(undefined)).toBe('(not set)');
    expect(withoutSecrets('GET https://api.telegram.org/bot123:SECRETTOKEN/getMe failed', ['123:SECRETTOKEN'])).toBe('GET https://api.telegram.org/bot…OKEN/getMe failed');
  });

  it('say what passed, what failed and what to do, and sum up', () => {
    expect(formatCheck({ status: 'pass', name: 'database', detail: 'connected' })).toBe('✓ database: connected');
    expect(formatCheck({ status: 'fail', name: 'model', detail: '401', fix: 'check OPENAI_API_KEY' })).toBe('✗ model: 401\n    → check OPENAI_API_KEY');
    expect(formatCheck({ status: 'skip', name: 'Temporal', detail: 'not set' })).toBe('- Temporal: not set');
    expect(summary([{ status: 'pass', name: 'a', detail: '' }, { status: 'skip', name: 'b', detail: '' }])).toBe('All 1 checks passed.');
  });
});
