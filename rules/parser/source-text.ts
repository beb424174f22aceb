/**
 * Offsets to 1-based line and column, for the `at` of AST nodes and the place of every problem.
 * Columns count UTF-16 code units, as editors given an offset do; \r\n, \r and \n all end a line.
 */
import type { SourceSpan } from '../ast.ts';
import type { RuleProblem, RuleProblemCode } from '../rule-problem.ts';

export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
  }

  /** The span from `offset` (clamped into the text) covering `length` code units. */
  span(offset: number, length: number): SourceSpan {
    const start = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= start) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: start - this.lineStarts[low]! + 1, offset: start, length: Math.max(0, Math.min(length, this.text.length - start)) };
  }

  /** The span from the start of `first` to the end of `last`. */
  cover(first: SourceSpan, last: SourceSpan): SourceSpan {
    return this.span(first.offset, last.offset + last.length - first.offset);
  }

  problem(code: RuleProblemCode, message: string, at: SourceSpan): RuleProblem {
    return { code, message, line: at.line, col: at.col, offset: at.offset, length: at.length };
  }
}
