/**
 * What every checker step shares: the glossary, the problems found so far, and the English
 * wording of values in messages ("the temperature of shelf B12", `"1.8 mm"`). Problems are placed
 * at the first node given that carries a source position, or at 1:1 when none does (an AST built
 * by hand).
 */
import type { SourceSpan, TermRef } from '../ast.ts';
import type { Glossary, GlossaryTerm } from '../glossary.ts';
import type { RuleProblem, RuleProblemCode } from '../rule-problem.ts';
import { renderTerm, findTerm } from '../render/term-phrase.ts';
import type { Dimension } from '../units.ts';

const nowhere: SourceSpan = { line: 1, col: 1, offset: 0, length: 1 };

/** How a message names a kind of quantity: `a length`, `a temperature`. */
export const dimensionNoun: Readonly<Record<Dimension, string>> = {
  temperature: 'a temperature',
  length: 'a length',
  mass: 'a mass',
  time: 'a duration',
  count: 'a count',
  ratio: 'a ratio',
  current: 'a current',
  pressure: 'a pressure',
};

/** A typical number of each dimension, for "compare it with a temperature such as 8 °C". */
export const exampleNumber: Readonly<Record<Dimension, number>> = {
  temperature: 8, length: 1.8, mass: 15, time: 5, count: 10, ratio: 50, current: 10, pressure: 2,
};

export class CheckContext {
  readonly problems: RuleProblem[] = [];
  constructor(readonly glossary: Glossary) {}

  report(code: RuleProblemCode, message: string, ...nodes: Array<{ at?: SourceSpan } | undefined>): void {
    const at = nodes.find((n) => n?.at !== undefined)?.at ?? nowhere;
    this.problems.push({ code, message, line: at.line, col: at.col, offset: at.offset, length: Math.max(1, at.length) });
  }

  term(ref: TermRef): GlossaryTerm | undefined {
    return findTerm(this.glossary, ref.term);
  }

  /** `the temperature of shelf B12` (no second `the` before `the scanned batch ...`). */
  describeTerm(ref: TermRef): string {
    const phrase = renderTerm(ref, this.glossary, 'en');
    return /^the\b/i.test(phrase) ? phrase : `the ${phrase}`;
  }
}
