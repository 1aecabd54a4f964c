import { checkTargets, type Target } from '../../bench/support/targets';

const targets: Target[] = [
  { goal: 'fast enough', scenario: 'b', figure: 'replies/s', atLeast: 27.6 },
  { goal: 'cheap enough', scenario: 'b', figure: 'cpu', atMost: 90 },
  { goal: 'webhook near the RPC', scenario: 'a', figure: 'webhook p99', atMostTimes: { figure: 'rpc p99', factor: 2 } },
  { goal: 'idle', scenario: 'i', figure: 'p50', atMost: 60 },
];

describe('checkTargets', () => {
  it('says which targets the figures meet, with the bound beside the figure', () => {
    const rows = checkTargets(targets, { b: { 'replies/s': 30, cpu: 120 }, a: { 'webhook p99': 41, 'rpc p99': 20.25 } });
    expect(rows).toEqual([
      ['fast enough', 30, '≥ 27.6', 'met'],
      ['cheap enough', 120, '≤ 90', 'not met'],
      ['webhook near the RPC', 41, '≤ 40.5', 'not met'],
      ['idle', 'n/a', 60, 'not measured'],
    ]);
  });

  it('meets a bound exactly reached', () => {
    expect(checkTargets(targets.slice(1, 2), { b: { cpu: 90 } })[0]![3]).toBe('met');
  });
});
