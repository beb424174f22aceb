/**
 * One problem with a rule, from any stage (lexer, parser, term resolution, checker), placed in the
 * rule text so an editor can underline it and the CLI can print `file:line:col: message`.
 */
export type RuleProblemCode =
  | 'SYNTAX'           // the sentence does not follow the grammar
  | 'UNKNOWN_TERM'     // a phrase the glossary does not know ("did you mean ...")
  | 'UNKNOWN_NAME'     // an item, role, flow, operation or recommendation the glossary does not know
  | 'BAD_PARAMETER'    // a parameter value that does not match its pattern, or cannot be inferred
  | 'UNIT'             // a unit that does not fit the term (°C against mm), or an unknown unit
  | 'TYPE'             // a boolean compared with a number, arithmetic on a string, ...
  | 'READ_ONLY'        // writing a tag the glossary does not mark writable
  | 'NEVER_FIRES'      // a condition that can never be true (range outside the term's values, 8 to 2, ...)
  | 'LANGUAGES_DIFFER' // a rule's en and zh texts mean different things
  | 'PACK';            // a problem with the pack file itself

export interface RuleProblem {
  code: RuleProblemCode;
  message: string;
  /** 1-based line and column in the rule text, 0-based offset, length of the text at fault (>= 1 where known). */
  line: number;
  col: number;
  offset: number;
  length: number;
}

/** Thrown only by callers that want an exception (the CLI collects problems instead). */
export class RuleError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
    this.name = 'RuleError';
  }
}
