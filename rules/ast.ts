/**
 * The rule AST: one language-neutral tree that the English and the Chinese surface both parse to
 * (docs/rule-language.md) and that every compiler reads (JS closures, IEC 61131-3 ST, canonical
 * EN/ZH text). Terms are already resolved against the site glossary: a node names a glossary
 * entry id and its parameter values, never the words the expert typed, so the EN and ZH forms of
 * one rule give equal trees. Source positions ride along in `at` and are ignored by
 * `withoutPositions` when trees are compared.
 *
 * Bump AST_VERSION on any change a stored rule pack would notice; packs record the version they
 * were compiled with.
 */

export const AST_VERSION = 1;

/** Where a node came from in the rule text (1-based line and column, 0-based offset). */
export interface SourceSpan {
  line: number;
  col: number;
  offset: number;
  length: number;
}

interface Positioned {
  at?: SourceSpan;
}

/** A rule: when `condition` becomes true, carry out `actions` (once per rising edge of the condition). */
export interface RuleAst extends Positioned {
  astVersion: typeof AST_VERSION;
  condition: Condition;
  actions: Action[];
}

// ---- values ---------------------------------------------------------------------------------

/** A glossary term with its parameter values, e.g. `{ term: 'weld-count', args: { gun: 'G1' } }`. */
export interface TermRef extends Positioned {
  kind: 'term';
  /** Glossary entry id. */
  term: string;
  /** Parameter name -> value, e.g. `{ shelf: 'B12' }`; empty for a term without parameters. */
  args: Record<string, string>;
}

/** A number as written, with its unit symbol (units.ts canonical symbol) or none. */
export interface Quantity extends Positioned {
  kind: 'quantity';
  value: number;
  /** Canonical unit symbol (`°C`, `mm`, `kg`, `min`, `d`, ...); absent for a plain number. */
  unit?: string;
}

export interface BooleanLiteral extends Positioned {
  kind: 'boolean';
  value: boolean;
}

export type ArithmeticOp = '+' | '-' | '*' | '/';

export interface Arithmetic extends Positioned {
  kind: 'arithmetic';
  op: ArithmeticOp;
  left: Expr;
  right: Expr;
}

export type Expr = TermRef | Quantity | BooleanLiteral | Arithmetic;

// ---- conditions -----------------------------------------------------------------------------

/**
 * `reaches` and `atLeast` are both >= (kept apart so the text reads back as written);
 * `exceeds` is >, `below` is <, `atMost` is <=, `equals` is =, `differs` is <>.
 */
export type CompareOp = 'reaches' | 'atLeast' | 'exceeds' | 'below' | 'atMost' | 'equals' | 'differs';

export interface Compare extends Positioned {
  kind: 'compare';
  op: CompareOp;
  left: Expr;
  right: Expr;
}

/** `between low and high` (inclusive) or, with `outside: true`, not between them. */
export interface Range extends Positioned {
  kind: 'range';
  outside: boolean;
  value: Expr;
  low: Expr;
  high: Expr;
}

/** A boolean term on its own: `the door of shelf B12 is open` (value true) / `is closed` (false). */
export interface IsState extends Positioned {
  kind: 'is';
  value: Expr;
  expected: boolean;
}

/** Rising (`starts`) or falling (`stops`) edge of a boolean term or of a condition. */
export interface Edge extends Positioned {
  kind: 'edge';
  edge: 'rising' | 'falling';
  of: Condition;
}

/** `of` has held continuously for `duration` (a time quantity): a TON in ST. */
export interface Sustained extends Positioned {
  kind: 'sustained';
  of: Condition;
  duration: Quantity;
}

/** `of` was true at some time on each of `days` consecutive calendar days (UTC days). */
export interface Streak extends Positioned {
  kind: 'streak';
  of: Condition;
  days: number;
}

export interface Logical extends Positioned {
  kind: 'and' | 'or';
  items: Condition[];
}

export interface Not extends Positioned {
  kind: 'not';
  of: Condition;
}

export type Condition = Compare | Range | IsState | Edge | Sustained | Streak | Logical | Not;

// ---- actions --------------------------------------------------------------------------------

/**
 * Vocabulary references (`role`, `item`, `operation`, `flow`, `recommendation`) are glossary
 * vocabulary ids, so "electrode cap" and "电极帽" are the same item. `location` and `station` are
 * parameter values (e.g. `B12`, `W3`).
 */
export type Action =
  | ({ kind: 'alert'; role: string; message?: string } & Positioned)
  | ({ kind: 'block'; operation: string; location: string } & Positioned)
  | ({ kind: 'requestSparePart'; item: string; quantity: number } & Positioned)
  | ({ kind: 'reserve'; station: string } & Positioned)
  | ({ kind: 'startApproval'; flow: string } & Positioned)
  | ({ kind: 'writeTag'; target: TermRef; value: Expr } & Positioned)
  | ({ kind: 'recommend'; recommendation: string } & Positioned);

export type ActionKind = Action['kind'];

/** The tree without `at` anywhere: what two parses of the same rule must agree on. */
export function withoutPositions<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n) => withoutPositions(n)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'at' || value === undefined) continue;
    out[key] = withoutPositions(value);
  }
  return out as T;
}
