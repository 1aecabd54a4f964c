import { cpuPerTurn, parseCpuTicks, readCpuMs } from '../../bench/support/process-cpu';

describe('parseCpuTicks', () => {
  it('adds user and system time (fields 14 and 15 of /proc/<pid>/stat)', () => {
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194560 12000 0 3 0 731 129 0 0 20 0 11 0 5000 1200000000 50000';
    expect(parseCpuTicks(stat)).toBe(731 + 129);
  });

  it('reads past a command name holding spaces and parentheses', () => {
    const stat = '77 (temporal (dev) x) R 1 77 77 0 -1 4194560 1 0 0 0 40 2 0 0 20 0 9 0 100 1 1';
    expect(parseCpuTicks(stat)).toBe(42);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseCpuTicks('no such thing')).toThrow(/not a \/proc/);
  });

  it('reads this very process from /proc, growing as it works', () => {
    if (process.platform !== 'linux') return;
    const before = readCpuMs(process.pid)!;
    const until = Date.now() + 60;
    while (Date.now() < until) Math.sqrt(Math.random());
    expect(readCpuMs(process.pid)!).toBeGreaterThan(before);
    expect(readCpuMs(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('cpuPerTurn', () => {
  it('divides each process by the turns, and adds server and worker', () => {
    expect(cpuPerTurn({ temporal: 1000, worker: 500, api: 200 }, { temporal: 3510, worker: 1500, api: 700 }, 10)).toEqual({
      turns: 10,
      temporal: 251,
      worker: 100,
      api: 50,
      temporalSide: 351,
    });
  });

  it('gives no figure for a process it could not read on either side, nor for no turns', () => {
    expect(cpuPerTurn({ api: 10 }, { api: 40, worker: 90 }, 3)).toEqual({ turns: 3, api: 10 });
    expect(cpuPerTurn({ api: 10 }, { api: 40 }, 0)).toEqual({ turns: 0 });
  });
});
