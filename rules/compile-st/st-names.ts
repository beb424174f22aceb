/**
 * Names in generated Structured Text. IEC 61131-3 2nd edition B.1.1: an identifier is letters,
 * digits and single underscores, does not start with a digit or end with an underscore, and is
 * not a keyword (Annex C) or a standard type, function or function block name. Glossary ids and
 * parameter values (`shelf-temperature`, `IMM-01`, possibly Chinese) are turned into such names;
 * the generated code keeps the original in a comment.
 */

/** Keywords and standard names a generated identifier must not be (Annex C plus the standard library). */
const reservedNames: ReadonlySet<string> = new Set([
  'ACTION', 'END_ACTION', 'ARRAY', 'OF', 'AT', 'CASE', 'ELSE', 'END_CASE', 'CONFIGURATION', 'END_CONFIGURATION',
  'CONSTANT', 'EN', 'ENO', 'EXIT', 'FALSE', 'TRUE', 'F_EDGE', 'R_EDGE', 'FOR', 'TO', 'BY', 'DO', 'END_FOR',
  'FUNCTION', 'END_FUNCTION', 'FUNCTION_BLOCK', 'END_FUNCTION_BLOCK', 'IF', 'THEN', 'ELSIF', 'END_IF',
  'INITIAL_STEP', 'END_STEP', 'NOT', 'AND', 'OR', 'XOR', 'MOD', 'PROGRAM', 'WITH', 'END_PROGRAM', 'READ_ONLY',
  'READ_WRITE', 'REPEAT', 'UNTIL', 'END_REPEAT', 'RESOURCE', 'ON', 'END_RESOURCE', 'RETAIN', 'NON_RETAIN',
  'RETURN', 'STEP', 'STRUCT', 'END_STRUCT', 'TASK', 'TRANSITION', 'FROM', 'END_TRANSITION', 'TYPE', 'END_TYPE',
  'VAR', 'END_VAR', 'VAR_INPUT', 'VAR_OUTPUT', 'VAR_IN_OUT', 'VAR_TEMP', 'VAR_EXTERNAL', 'VAR_ACCESS',
  'VAR_CONFIG', 'VAR_GLOBAL', 'WHILE', 'END_WHILE',
  'BOOL', 'SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT', 'REAL', 'LREAL', 'TIME', 'DATE',
  'TIME_OF_DAY', 'TOD', 'DATE_AND_TIME', 'DT', 'STRING', 'WSTRING', 'BYTE', 'WORD', 'DWORD', 'LWORD',
  'ANY', 'ANY_NUM', 'ANY_INT', 'ANY_REAL', 'ANY_BIT', 'ANY_DATE', 'ANY_STRING', 'ANY_ELEMENTARY', 'ANY_DERIVED', 'ANY_MAGNITUDE',
  'TON', 'TOF', 'TP', 'R_TRIG', 'F_TRIG', 'CTU', 'CTD', 'CTUD', 'SR', 'RS',
  'ABS', 'SQRT', 'LN', 'LOG', 'EXP', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN', 'ADD', 'MUL', 'SUB', 'DIV',
  'EXPT', 'MOVE', 'SHL', 'SHR', 'ROL', 'ROR', 'SEL', 'MAX', 'MIN', 'LIMIT', 'MUX', 'GT', 'GE', 'EQ', 'LE', 'LT',
  'NE', 'LEN', 'LEFT', 'RIGHT', 'MID', 'CONCAT', 'INSERT', 'DELETE', 'REPLACE', 'FIND', 'TRUNC',
]);

/**
 * Any text as a standard identifier: upper case, every run of other characters one underscore,
 * non-ASCII letters as `U<hex>` (`电极帽` -> `U7535_U6781_U5E3D`), a leading digit prefixed `N_`,
 * a reserved word suffixed `_V`. Never empty (`X` for text with nothing usable).
 */
export function stIdentifier(text: string): string {
  const pieces: string[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (/[A-Za-z0-9]/.test(ch)) pieces.push(ch.toUpperCase());
    else if (code > 0x7f && /\p{L}|\p{N}/u.test(ch)) pieces.push(`_U${code.toString(16).toUpperCase()}_`);
    else pieces.push('_');
  }
  let name = pieces.join('').replace(/_+/g, '_').replace(/^_|_$/g, '');
  if (name === '') name = 'X';
  if (/^[0-9]/.test(name)) name = `N_${name}`;
  if (reservedNames.has(name)) name = `${name}_V`;
  return name;
}

/**
 * Hands out unique identifiers in one POU. IEC names are case-insensitive, and a base name often
 * comes with companions (`X` with `X_OK`): all of them must be free, or the base gets `_2`, `_3`.
 */
export class StNameAllocator {
  private readonly taken = new Set<string>();

  /** Reserves `stIdentifier(base)` (or a numbered variant) and its `suffixes`; returns the base name. */
  take(base: string, suffixes: readonly string[] = []): string {
    const root = stIdentifier(base);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? root : `${root}_${n}`;
      const all = [candidate, ...suffixes.map((s) => `${candidate}${s}`)];
      if (all.every((name) => !this.taken.has(name.toUpperCase()) && !reservedNames.has(name.toUpperCase()))) {
        for (const name of all) this.taken.add(name.toUpperCase());
        return candidate;
      }
    }
  }
}
