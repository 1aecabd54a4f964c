import { needsNewTimer } from '../../workflows/deadline-timer';

describe('the idle timer of a waiting conversation', () => {
  it('is started once and kept while the deadline only moves later, turn after turn', () => {
    expect(needsNewTimer(null, 1_000)).toBe(true);
    expect(needsNewTimer({ at: 1_000, fired: false }, 1_000)).toBe(false);
    expect(needsNewTimer({ at: 1_000, fired: false }, 5_000)).toBe(false);
  });

  it('is started again when it fired before the deadline, or fires too late for a nearer one', () => {
    expect(needsNewTimer({ at: 1_000, fired: true }, 5_000)).toBe(true);
    // A handoff's timeout nearer than the idle one.
    expect(needsNewTimer({ at: 5_000, fired: false }, 2_000)).toBe(true);
  });
});
