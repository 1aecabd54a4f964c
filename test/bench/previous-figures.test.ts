import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareFigures, pickPrevious, readStoredReports, settingsDifference, type StoredReport } from '../../bench/support/previous-figures';
import { endToEndFigures } from '../../bench/scenarios/end-to-end';
import { idleLatencyFigures } from '../../bench/scenarios/idle-latency';

const report = (file: string, ids: string[]): StoredReport => ({ file, settings: {}, results: ids.map((id) => ({ id, data: { from: file } })) });

describe('pickPrevious', () => {
  it('takes the newest report that has the scenario', () => {
    const reports = [report('2026-11-29-0255.json', ['a', 'b', 'c']), report('2026-11-29-0414.json', ['b']), report('2026-11-29-0412.json', ['a'])];
    expect(pickPrevious(reports, ['b'])).toMatchObject({ file: '2026-11-29-0414.json', id: 'b' });
    expect(pickPrevious(reports, ['a'])).toMatchObject({ file: '2026-11-29-0412.json', id: 'a' });
    expect(pickPrevious(reports, ['z'])).toBeUndefined();
  });

  it('falls back to a scenario that measured the same thing, newest report first', () => {
    const reports = [report('2026-11-29-0255.json', ['c']), report('2026-12-01-0900.json', ['c']), report('2026-11-01-0000.json', ['i'])];
    expect(pickPrevious(reports, ['i', 'c'])).toMatchObject({ file: '2026-12-01-0900.json', id: 'c' });
  });
});

describe('readStoredReports', () => {
  it('reads only `<stamp>.json` reports, and skips files that do not parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
    try {
      writeFileSync(join(dir, '2026-11-29-0414.json'), JSON.stringify({ settings: { quick: true }, results: [{ id: 'b', data: {} }] }));
      writeFileSync(join(dir, '2026-11-29-0415.json'), '{ cut sho');
      writeFileSync(join(dir, 'api-load-2026-11-29T01-02-02-012Z.json'), JSON.stringify({ results: [] }));
      expect(readStoredReports(dir)).toEqual([{ file: '2026-11-29-0414.json', settings: { quick: true }, results: [{ id: 'b', data: {} }] }]);
      expect(readStoredReports(join(dir, 'missing'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compareFigures', () => {
  it('sets each figure measured now beside the earlier one, with the change', () => {
    expect(compareFigures({ 'product: replies/s': 27.6, 'product: p50 ms': 450, 'product: errors': 0 }, { 'product: replies/s': 6.9, 'product: p50 ms': 4500, 'product: errors': 0 })).toEqual([
      ['product: replies/s', 27.6, 6.9, '+300%'],
      ['product: p50 ms', 450, 4500, '-90%'],
      ['product: errors', 0, 0, ''],
    ]);
  });

  it('leaves out what was not measured on both sides', () => {
    expect(compareFigures({ a: undefined, b: Number.NaN, c: 3 }, { a: 1, b: 2 })).toEqual([]);
  });
});

describe('settingsDifference', () => {
  it('names the settings of a scenario that differ, with both values, and ignores ones the earlier run did not have', () => {
    const now = { quick: true, concurrency: 8, rates: [100, 300], idleMessages: 30, longMessages: 150 };
    const before = { quick: false, concurrency: 32, rates: [100, 300], longMessages: 2000 };
    expect(settingsDifference(now, before, ['concurrency', 'rates', 'idleMessages'])).toEqual(['concurrency 8 (before: 32)']);
  });
});

describe('figures read from earlier reports', () => {
  it('reads the end-to-end figures of a report from before CPU and history were measured', () => {
    const before = { product: { perSecond: 6.9, latencies: { p50: 4483, p99: 5073 } }, floor: { perSecond: 10, latencies: { p50: 3256, p99: 3972 } } };
    const now = { product: { perSecond: 30, latencies: { p50: 800, p99: 950 }, cpu: { temporalSide: 80 }, history: { perTurn: { events: 14, workflowTasks: 3 } } } };
    const rows = compareFigures(endToEndFigures(now), endToEndFigures(before));
    expect(rows).toEqual([
      ['product: replies/s', 30, 6.9, '+335%'],
      ['product: p50 ms', 800, 4483, '-82%'],
      ['product: p99 ms', 950, 5073, '-81%'],
    ]);
  });

  it('reads the idle message of the long conversation (c) where no idle-latency scenario ran', () => {
    const longConversation = { early: { p50: 294.9, p99: 896.6 }, late: { p50: 300.6 } };
    const now = { product: { latencies: { p50: 55, p99: 80 }, cpu: {} }, updateWithStart: { latencies: { p50: 20, p99: 30 } } };
    expect(compareFigures(idleLatencyFigures(now), idleLatencyFigures(longConversation))).toEqual([
      ['API ?wait=true p50 ms', 55, 294.9, '-81%'],
      ['API ?wait=true p99 ms', 80, 896.6, '-91%'],
    ]);
  });
});
