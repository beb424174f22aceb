import { describe, expect, it } from 'vitest';
import { checkCounterRuns, type StoredPoint } from './counter-runs.ts';

const good = (ts: number, value: number): StoredPoint => ({ ts, value, quality: 'good', error: null });
const bad = (ts: number, error = 'LINK_DOWN'): StoredPoint => ({ ts, value: null, quality: 'bad', error });

/** Two restarts: 10..13, killed holding 13; 0..2, killed holding 3; 0..4, final 4. */
const history = [
  bad(90, 'LINK_DOWN'),
  good(100, 10), good(110, 11), good(120, 12), good(130, 13),
  bad(140), bad(150, 'TIMEOUT'),
  good(200, 0), good(210, 1), good(220, 2),
  bad(240),
  good(300, 0), good(310, 1), good(320, 2), good(330, 3), good(340, 4),
];
const expected = {
  outages: [{ killedAt: 135, valueAtKill: 13 }, { killedAt: 230, valueAtKill: 3 }],
  finalValue: 4,
  missableSteps: 1,
};

describe('checkCounterRuns', () => {
  it('accepts consecutive good runs split by one bad run per restart, ignoring bad points before the first good one', () => {
    const report = checkCounterRuns(history, expected);
    expect(report.problems).toEqual([]);
    expect(report.goodRuns.map((r) => [r.first, r.last, r.points])).toEqual([[10, 13, 4], [0, 2, 3], [0, 4, 5]]);
    expect(report.badRuns.map((r) => r.errors)).toEqual([['LINK_DOWN', 'TIMEOUT'], ['LINK_DOWN']]);
  });

  it('names the values missing inside a good run', () => {
    const withHole = history.filter((p) => !(p.ts === 310 || p.ts === 320));
    expect(checkCounterRuns(withHole, expected).problems).toEqual([expect.stringMatching(/good run 2: after 0 \(00:00:00\.300\) came 3 at 00:00:00\.330; 1\.\.2 missing/)]);
  });

  it('accepts the same value read again, and rejects a step back', () => {
    const repeated = [...history.slice(0, 3), good(115, 11), ...history.slice(3)];
    const report = checkCounterRuns(repeated, expected);
    expect(report.problems).toEqual([]);
    expect(report.goodRuns[0]).toMatchObject({ first: 10, last: 13, points: 5, values: 4 });
    const back = [...history.slice(0, 3), good(115, 10), ...history.slice(3)];
    expect(checkCounterRuns(back, expected).problems).toEqual([
      expect.stringMatching(/good run 0: after 11 \(00:00:00\.110\) came 10 at 00:00:00\.115: a step back/),
      expect.stringMatching(/good run 0: after 10 .* came 12 .*; 11 missing/),
    ]);
  });

  it('rejects points out of time order', () => {
    const swapped = [...history.slice(0, 2), history[3]!, history[2]!, ...history.slice(4)];
    expect(checkCounterRuns(swapped, expected).problems).toContainEqual(expect.stringMatching(/history not in time order: 00:00:00\.110 after 00:00:00\.120/));
  });

  it('rejects a good run that stops more than the missable steps before the value held at the kill', () => {
    const tailLost = history.filter((p) => p.ts !== 120 && p.ts !== 130);
    expect(checkCounterRuns(tailLost, expected).problems).toEqual([expect.stringMatching(/good run 0 ends at 11 .* held 13 .*; 12\.\.13 missing/)]);
    // One step short is what polling cannot avoid, and is accepted.
    const lastStepMissed = history.filter((p) => p.ts !== 130);
    expect(checkCounterRuns(lastStepMissed, expected).problems).toEqual([]);
  });

  it('rejects a bad run that starts before its kill, and an outage that never showed as bad', () => {
    expect(checkCounterRuns(history, { ...expected, outages: [{ killedAt: 145, valueAtKill: 13 }, expected.outages[1]!] }).problems)
      .toEqual([expect.stringMatching(/bad run 0 starts .* before kill 0/)]);
    const noBad = history.filter((p) => p.ts !== 240);
    expect(checkCounterRuns(noBad, expected).problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/expected 3 good runs separated by 2 bad runs .*found 2 good and 1 bad/),
    ]));
  });

  it('rejects a last good run that does not reach the final value', () => {
    expect(checkCounterRuns(history, { ...expected, finalValue: 6 }).problems).toEqual([expect.stringMatching(/last good run ends at 4 .* reached 6; 5\.\.6 missing/)]);
  });

  it('rejects qualities other than good and bad, and non-integer counters', () => {
    const odd = [...history, { ts: 350, value: 5, quality: 'uncertain' }, { ts: 360, value: 5.5, quality: 'good' }];
    const problems = checkCounterRuns(odd, expected).problems;
    expect(problems).toEqual([expect.stringMatching(/quality "uncertain"/), expect.stringMatching(/holds 5\.5; expected a whole number/)]);
  });
});
