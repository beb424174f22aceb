/**
 * The syntax tree the validator's parser builds from Structured Text (IEC 61131-3 2nd edition
 * Annex B.1.4 declarations, B.3 ST). Every node keeps the line and column of its first token so
 * a problem can be placed.
 */

export interface Pos {
  line: number;
  col: number;
}

export interface Name extends Pos {
  text: string;
}

export type PouKind = 'FUNCTION_BLOCK' | 'FUNCTION' | 'PROGRAM';
export type VarSection = 'VAR' | 'VAR_INPUT' | 'VAR_OUTPUT' | 'VAR_IN_OUT' | 'VAR_TEMP';

export interface Pou extends Pos {
  kind: PouKind;
  name: Name;
  /** A FUNCTION's result type. */
  returnType?: TypeRef;
  sections: VarBlock[];
  body: Statement[];
}

export interface VarBlock extends Pos {
  section: VarSection;
  constant: boolean;
  decls: VarDecl[];
}

export interface TypeRef extends Name {
  /** `STRING[20]`. */
  length?: number;
}

export interface VarDecl extends Pos {
  names: Name[];
  type: TypeRef;
  init?: Expression;
}

/** `X` or `T1.Q`. */
export interface VariableRef extends Pos {
  kind: 'variable';
  name: Name;
  member?: Name;
}

export type Argument =
  | { kind: 'input'; name?: Name; value: Expression; line: number; col: number }
  | { kind: 'output'; name: Name; negate: boolean; target: VariableRef; line: number; col: number };

export type LiteralKind = 'integer' | 'real' | 'bool' | 'time' | 'date' | 'tod' | 'dt' | 'string' | 'wstring' | 'typed';

export type Expression =
  | ({ kind: 'binary'; op: string; left: Expression; right: Expression } & Pos)
  | ({ kind: 'unary'; op: '-' | '+' | 'NOT'; operand: Expression } & Pos)
  | ({ kind: 'literal'; literal: LiteralKind; text: string } & Pos)
  | ({ kind: 'call'; callee: Name; args: Argument[] } & Pos)
  | ({ kind: 'paren'; inner: Expression } & Pos)
  | VariableRef;

export interface CaseLabel extends Pos {
  low: Expression;
  high?: Expression;
}

export type Statement =
  | ({ kind: 'assign'; target: VariableRef; value: Expression } & Pos)
  | ({ kind: 'invoke'; target: VariableRef; args: Argument[] } & Pos)
  | ({ kind: 'if'; branches: Array<{ condition: Expression; body: Statement[] }>; otherwise?: Statement[] } & Pos)
  | ({ kind: 'case'; selector: Expression; clauses: Array<{ labels: CaseLabel[]; body: Statement[] }>; otherwise?: Statement[] } & Pos)
  | ({ kind: 'for'; control: Name; from: Expression; to: Expression; by?: Expression; body: Statement[] } & Pos)
  | ({ kind: 'while'; condition: Expression; body: Statement[] } & Pos)
  | ({ kind: 'repeat'; body: Statement[]; condition: Expression } & Pos)
  | ({ kind: 'exit' } & Pos)
  | ({ kind: 'return' } & Pos)
  | ({ kind: 'empty' } & Pos);
