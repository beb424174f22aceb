import { describe, expect, it } from 'vitest';
// @ts-expect-error plain browser JavaScript without type declarations
import { lineColOf, underlineRuns } from './rules-underline.js';

type Run = { text: string; problems: Array<{ message: string }>; atEnd?: boolean };
const runs = (text: string, problems: Array<{ message: string; offset: number; length: number }>) =>
  (underlineRuns(text, problems) as Run[]).map((r) => ({ text: r.text, messages: r.problems.map((p) => p.message), ...(r.atEnd ? { atEnd: true } : {}) }));

describe('underlineRuns', () => {
  it('puts the text at fault in a run of its own, the rest around it', () => {
    const text = 'When remnant wieght of furnace F1 exceeds 15 kg, start approval "re-melt".';
    const offset = text.indexOf('remnant wieght');
    expect(runs(text, [{ message: 'unknown term', offset, length: 'remnant wieght of furnace F1'.length }])).toEqual([
      { text: 'When ', messages: [] },
      { text: 'remnant wieght of furnace F1', messages: ['unknown term'] },
      { text: ' exceeds 15 kg, start approval "re-melt".', messages: [] },
    ]);
  });

  it('joins the runs back into the whole text, whatever the problems', () => {
    const text = '当F1熔炉余料重量超过15公斤时，启动审批"回炉"';
    const result = runs(text, [{ message: 'a', offset: 3, length: 6 }, { message: 'b', offset: 5, length: 10 }, { message: 'c', offset: 40, length: 2 }]);
    expect(result.map((r) => r.text).join('')).toBe(text);
    // the overlap of a and b carries both messages
    expect(result.find((r) => r.messages.length === 2)).toEqual({ text: text.slice(5, 9), messages: ['a', 'b'] });
  });

  it('underlines one character for a problem of length 0, and marks a problem at the very end', () => {
    const text = 'When weld count reaches 1247,';
    expect(runs(text, [{ message: 'here', offset: 5, length: 0 }])[1]).toEqual({ text: 'w', messages: ['here'] });
    expect(runs(text, [{ message: 'expected an action', offset: text.length, length: 0 }]).at(-1))
      .toEqual({ text: '', messages: ['expected an action'], atEnd: true });
  });
});

describe('lineColOf', () => {
  it('counts lines and columns from 1', () => {
    expect(lineColOf('ab\ncd', 4)).toEqual({ line: 2, col: 2 });
    expect(lineColOf('abc', 0)).toEqual({ line: 1, col: 1 });
  });
});
