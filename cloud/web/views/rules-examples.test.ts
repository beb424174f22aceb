import { describe, expect, it } from 'vitest';
// @ts-expect-error plain browser JavaScript without type declarations
import { describeEffect, effectDiff, effectsOf, parseOffsetMs } from './rules-examples.js';

describe('example results in the pack view', () => {
  it('reads example times as the rule pack writes them', () => {
    expect([parseOffsetMs('4s'), parseOffsetMs('6min'), parseOffsetMs(1500), parseOffsetMs('1.5s'), parseOffsetMs('soon')]).toEqual([4000, 360_000, 1500, 1500, undefined]);
  });

  it('describes the same effect the same way whatever the order of its fields', () => {
    expect(describeEffect({ at: 360_000, effect: { location: 'B12', kind: 'block', operation: 'put-away' } }))
      .toBe(describeEffect({ at: 360_000, effect: { kind: 'block', operation: 'put-away', location: 'B12', released: undefined } }));
    expect(describeEffect({ at: 4000, effect: { kind: 'reserve', station: 'W3' } })).toBe('at 4 s: reserve station=W3');
  });

  it('diffs what the source expects against what the runner got: matched, missing (-), unexpected (+)', () => {
    const effects = effectsOf(
      { got: [{ at: 4000, effect: { kind: 'reserve', station: 'W3' } }, { at: 6000, effect: { kind: 'alert', role: 'qa' } }], problems: [] },
      [{ at: '4s', effect: { kind: 'reserve', station: 'W3' } }, { at: '4s', effect: { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 } }],
    );
    expect(effectDiff(effects.expected, effects.got)).toEqual([
      { sign: ' ', text: 'at 4 s: reserve station=W3' },
      { sign: '-', text: 'at 4 s: requestSparePart item=electrode-cap quantity=1' },
      { sign: '+', text: 'at 6 s: alert role=qa' },
    ]);
  });

  it('has no diff for a result without the runner\'s got list', () => {
    expect(effectsOf({ message: 'crashed' }, [])).toBeNull();
  });
});
