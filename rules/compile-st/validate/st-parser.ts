/**
 * Parser for IEC 61131-3 2nd edition Structured Text: POU declarations (B.1.5: FUNCTION,
 * FUNCTION_BLOCK, PROGRAM with their VAR sections, B.1.4.3) and ST statements and expressions
 * (B.3.1, B.3.2). The expression rules follow the edition's grammar level by level, which gives
 * its precedence table (Table 55), loosest first: OR, XOR, AND / &, = <>, < > <= >=, + -,
 * * / MOD, **, unary - / NOT, primaries.
 */
import { EmbeddedActionsParser, type IToken, type TokenType } from 'chevrotain';
import * as t from './st-lexer.ts';
import type { Argument, CaseLabel, Expression, LiteralKind, Name, Pos, Pou, Statement, TypeRef, VarBlock, VarDecl, VarSection, VariableRef } from './st-syntax.ts';

// Tolerant of the placeholders chevrotain passes while it records the grammar.
const pos = (token: IToken | undefined): Pos => ({ line: token?.startLine ?? 0, col: token?.startColumn ?? 0 });
const nameOf = (token: IToken | undefined): Name => ({ text: token?.image ?? '', ...pos(token) });

const literalKinds: ReadonlyArray<[TokenType, LiteralKind]> = [
  [t.IntegerLiteral, 'integer'], [t.BasedInteger, 'integer'], [t.RealLiteral, 'real'], [t.True, 'bool'], [t.False, 'bool'],
  [t.TimeLiteral, 'time'], [t.DateLiteral, 'date'], [t.TimeOfDayLiteral, 'tod'], [t.DateAndTimeLiteral, 'dt'],
  [t.StringLiteral, 'string'], [t.WStringLiteral, 'wstring'], [t.TypedLiteral, 'typed'],
];

class StParser extends EmbeddedActionsParser {
  constructor() {
    super(t.stTokens, { maxLookahead: 3, recoveryEnabled: false });
    this.performSelfAnalysis();
  }

  sourceFile = this.RULE('sourceFile', (): Pou[] => {
    const pous: Pou[] = [];
    this.AT_LEAST_ONE(() => { pous.push(this.SUBRULE(this.pou)); });
    return pous;
  });

  pou = this.RULE('pou', (): Pou => this.OR([
    { ALT: (): Pou => {
      const start = this.CONSUME(t.FunctionBlock);
      const name = nameOf(this.CONSUME(t.Identifier));
      const content = this.SUBRULE(this.pouContent);
      this.CONSUME(t.EndFunctionBlock);
      return { kind: 'FUNCTION_BLOCK', name, ...content, ...pos(start) };
    } },
    { ALT: (): Pou => {
      const start = this.CONSUME(t.Function);
      const name = nameOf(this.CONSUME2(t.Identifier));
      this.CONSUME(t.Colon);
      const returnType = this.SUBRULE(this.typeRef);
      const content = this.SUBRULE2(this.pouContent);
      this.CONSUME(t.EndFunction);
      return { kind: 'FUNCTION', name, returnType, ...content, ...pos(start) };
    } },
    { ALT: (): Pou => {
      const start = this.CONSUME(t.Program);
      const name = nameOf(this.CONSUME3(t.Identifier));
      const content = this.SUBRULE3(this.pouContent);
      this.CONSUME(t.EndProgram);
      return { kind: 'PROGRAM', name, ...content, ...pos(start) };
    } },
  ]));

  /** VAR sections then the statement list (B.1.5.1 - B.1.5.3). */
  pouContent = this.RULE('pouContent', (): { sections: VarBlock[]; body: Statement[] } => {
    const sections: VarBlock[] = [];
    this.MANY(() => { sections.push(this.SUBRULE(this.varBlock)); });
    return { sections, body: this.SUBRULE(this.statementList) };
  });

  varBlock = this.RULE('varBlock', (): VarBlock => {
    let section: VarSection = 'VAR';
    let constant = false;
    const start = this.OR([
      { ALT: () => { section = 'VAR_INPUT'; return this.CONSUME(t.VarInput); } },
      { ALT: () => { section = 'VAR_OUTPUT'; return this.CONSUME(t.VarOutput); } },
      { ALT: () => { section = 'VAR_IN_OUT'; return this.CONSUME(t.VarInOut); } },
      { ALT: () => { section = 'VAR_TEMP'; return this.CONSUME(t.VarTemp); } },
      { ALT: () => this.CONSUME(t.Var) },
    ]);
    this.OPTION(() => {
      this.OR2([
        { ALT: () => { this.CONSUME(t.Constant); constant = true; } },
        { ALT: () => this.CONSUME(t.Retain) },
        { ALT: () => this.CONSUME(t.NonRetain) },
      ]);
    });
    const decls: VarDecl[] = [];
    this.MANY(() => { decls.push(this.SUBRULE(this.varDecl)); });
    this.CONSUME(t.EndVar);
    return { section, constant, decls, ...pos(start) };
  });

  varDecl = this.RULE('varDecl', (): VarDecl => {
    const first = this.CONSUME(t.Identifier);
    const names: Name[] = [nameOf(first)];
    this.MANY(() => { this.CONSUME(t.Comma); names.push(nameOf(this.CONSUME2(t.Identifier))); });
    this.CONSUME(t.Colon);
    const type = this.SUBRULE(this.typeRef);
    const init = this.OPTION(() => { this.CONSUME(t.Assign); return this.SUBRULE(this.expression); });
    this.CONSUME(t.Semicolon);
    return { names, type, ...(init ? { init } : {}), ...pos(first) };
  });

  typeRef = this.RULE('typeRef', (): TypeRef => {
    const name = this.CONSUME(t.Identifier);
    const length = this.OPTION(() => {
      this.CONSUME(t.LBracket);
      const n = this.CONSUME(t.IntegerLiteral);
      this.CONSUME(t.RBracket);
      return Number(n.image.replace(/_/g, ''));
    });
    return { ...nameOf(name), ...(length !== undefined ? { length } : {}) };
  });

  // ---- statements (B.3.2) ---------------------------------------------------------------------

  statementList = this.RULE('statementList', (): Statement[] => {
    const list: Statement[] = [];
    this.MANY(() => { list.push(this.SUBRULE(this.statement)); });
    return list;
  });

  statement = this.RULE('statement', (): Statement => this.OR([
    { ALT: () => this.SUBRULE(this.assignOrInvoke) },
    { ALT: () => this.SUBRULE(this.ifStatement) },
    { ALT: () => this.SUBRULE(this.caseStatement) },
    { ALT: () => this.SUBRULE(this.forStatement) },
    { ALT: () => this.SUBRULE(this.whileStatement) },
    { ALT: () => this.SUBRULE(this.repeatStatement) },
    { ALT: () => { const k = this.CONSUME(t.Exit); this.CONSUME(t.Semicolon); return { kind: 'exit' as const, ...pos(k) }; } },
    { ALT: () => { const k = this.CONSUME(t.Return); this.CONSUME2(t.Semicolon); return { kind: 'return' as const, ...pos(k) }; } },
    { ALT: () => { const k = this.CONSUME3(t.Semicolon); return { kind: 'empty' as const, ...pos(k) }; } },
  ]));

  assignOrInvoke = this.RULE('assignOrInvoke', (): Statement => {
    const target = this.SUBRULE(this.variable);
    const statement = this.OR([
      { ALT: (): Statement => { this.CONSUME(t.Assign); return { kind: 'assign', target, value: this.SUBRULE(this.expression), line: target.line, col: target.col }; } },
      { ALT: (): Statement => ({ kind: 'invoke', target, args: this.SUBRULE(this.argumentList), line: target.line, col: target.col }) },
    ]);
    this.CONSUME(t.Semicolon);
    return statement;
  });

  ifStatement = this.RULE('ifStatement', (): Statement => {
    const start = this.CONSUME(t.If);
    const branches: Array<{ condition: Expression; body: Statement[] }> = [];
    const condition = this.SUBRULE(this.expression);
    this.CONSUME(t.Then);
    branches.push({ condition, body: this.SUBRULE(this.statementList) });
    this.MANY(() => {
      this.CONSUME(t.Elsif);
      const c = this.SUBRULE2(this.expression);
      this.CONSUME2(t.Then);
      branches.push({ condition: c, body: this.SUBRULE2(this.statementList) });
    });
    const otherwise = this.OPTION(() => { this.CONSUME(t.Else); return this.SUBRULE3(this.statementList); });
    this.CONSUME(t.EndIf);
    this.CONSUME(t.Semicolon);
    return { kind: 'if', branches, ...(otherwise ? { otherwise } : {}), ...pos(start) };
  });

  caseStatement = this.RULE('caseStatement', (): Statement => {
    const start = this.CONSUME(t.Case);
    const selector = this.SUBRULE(this.expression);
    this.CONSUME(t.Of);
    const clauses: Array<{ labels: CaseLabel[]; body: Statement[] }> = [];
    this.AT_LEAST_ONE(() => {
      const labels = [this.SUBRULE(this.caseLabel)];
      this.MANY(() => { this.CONSUME(t.Comma); labels.push(this.SUBRULE2(this.caseLabel)); });
      this.CONSUME(t.Colon);
      clauses.push({ labels, body: this.SUBRULE(this.statementList) });
    });
    const otherwise = this.OPTION(() => { this.CONSUME(t.Else); return this.SUBRULE2(this.statementList); });
    this.CONSUME(t.EndCase);
    this.CONSUME(t.Semicolon);
    return { kind: 'case', selector, clauses, ...(otherwise ? { otherwise } : {}), ...pos(start) };
  });

  caseLabel = this.RULE('caseLabel', (): CaseLabel => {
    const low = this.SUBRULE(this.signedInteger);
    const high = this.OPTION(() => { this.CONSUME(t.DotDot); return this.SUBRULE2(this.signedInteger); });
    return { low, ...(high ? { high } : {}), line: low.line, col: low.col };
  });

  signedInteger = this.RULE('signedInteger', (): Expression => {
    const minus = this.OPTION(() => this.CONSUME(t.Minus));
    const token = this.OR([
      { ALT: () => this.CONSUME(t.IntegerLiteral) },
      { ALT: () => this.CONSUME(t.BasedInteger) },
      { ALT: () => this.CONSUME(t.TypedLiteral) },
    ]);
    const literal: Expression = { kind: 'literal', literal: token.tokenType === t.TypedLiteral ? 'typed' : 'integer', text: token.image, ...pos(token) };
    return minus ? { kind: 'unary', op: '-', operand: literal, ...pos(minus) } : literal;
  });

  forStatement = this.RULE('forStatement', (): Statement => {
    const start = this.CONSUME(t.For);
    const control = nameOf(this.CONSUME(t.Identifier));
    this.CONSUME(t.Assign);
    const from = this.SUBRULE(this.expression);
    this.CONSUME(t.To);
    const to = this.SUBRULE2(this.expression);
    const by = this.OPTION(() => { this.CONSUME(t.By); return this.SUBRULE3(this.expression); });
    this.CONSUME(t.Do);
    const body = this.SUBRULE(this.statementList);
    this.CONSUME(t.EndFor);
    this.CONSUME(t.Semicolon);
    return { kind: 'for', control, from, to, ...(by ? { by } : {}), body, ...pos(start) };
  });

  whileStatement = this.RULE('whileStatement', (): Statement => {
    const start = this.CONSUME(t.While);
    const condition = this.SUBRULE(this.expression);
    this.CONSUME(t.Do);
    const body = this.SUBRULE(this.statementList);
    this.CONSUME(t.EndWhile);
    this.CONSUME(t.Semicolon);
    return { kind: 'while', condition, body, ...pos(start) };
  });

  repeatStatement = this.RULE('repeatStatement', (): Statement => {
    const start = this.CONSUME(t.Repeat);
    const body = this.SUBRULE(this.statementList);
    this.CONSUME(t.Until);
    const condition = this.SUBRULE(this.expression);
    this.CONSUME(t.EndRepeat);
    this.CONSUME(t.Semicolon);
    return { kind: 'repeat', body, condition, ...pos(start) };
  });

  // ---- calls (B.3.2.2 fb_invocation, B.3.1 function call) ---------------------------------------

  argumentList = this.RULE('argumentList', (): Argument[] => {
    const args: Argument[] = [];
    this.CONSUME(t.LParen);
    this.OPTION(() => {
      args.push(this.SUBRULE(this.argument));
      this.MANY(() => { this.CONSUME(t.Comma); args.push(this.SUBRULE2(this.argument)); });
    });
    this.CONSUME(t.RParen);
    return args;
  });

  argument = this.RULE('argument', (): Argument => this.OR([
    { ALT: (): Argument => {
      const name = this.CONSUME(t.Identifier);
      this.CONSUME(t.Assign);
      return { kind: 'input', name: nameOf(name), value: this.SUBRULE(this.expression), ...pos(name) };
    } },
    { ALT: (): Argument => {
      const not = this.OPTION(() => this.CONSUME(t.Not));
      const name = this.CONSUME2(t.Identifier);
      this.CONSUME(t.OutAssign);
      return { kind: 'output', name: nameOf(name), negate: not !== undefined, target: this.SUBRULE(this.variable), ...pos(not ?? name) };
    } },
    { ALT: (): Argument => {
      const value = this.SUBRULE2(this.expression);
      return { kind: 'input', value, line: value.line, col: value.col };
    } },
  ]));

  variable = this.RULE('variable', (): VariableRef => {
    const name = this.CONSUME(t.Identifier);
    const member = this.OPTION(() => { this.CONSUME(t.Dot); return nameOf(this.CONSUME2(t.Identifier)); });
    return { kind: 'variable', name: nameOf(name), ...(member ? { member } : {}), ...pos(name) };
  });

  // ---- expressions (B.3.1) ------------------------------------------------------------------

  private binaryLevel(name: string, operators: TokenType[], next: (idx: number) => Expression, opText: (token: IToken | undefined) => string) {
    return this.RULE(name, (): Expression => {
      let left = next(1);
      this.MANY(() => {
        const op = this.OR(operators.map((operator) => ({ ALT: () => this.CONSUME(operator) })));
        const right = next(2);
        // Placed at the operator, where a type mismatch is reported.
        left = { kind: 'binary', op: opText(op), left, right, ...pos(op) };
      });
      return left;
    });
  }

  primary = this.RULE('primary', (): Expression => this.OR([
    ...literalKinds.map(([token, literal]) => ({ ALT: (): Expression => { const k = this.CONSUME(token); return { kind: 'literal', literal, text: k.image, ...pos(k) }; } })),
    { ALT: (): Expression => {
      const open = this.CONSUME(t.LParen);
      const inner = this.SUBRULE(this.expression);
      this.CONSUME(t.RParen);
      return { kind: 'paren', inner, ...pos(open) };
    } },
    { ALT: (): Expression => {
      const name = this.CONSUME(t.Identifier);
      return this.OR2([
        { ALT: (): Expression => ({ kind: 'call', callee: nameOf(name), args: this.SUBRULE(this.argumentList), ...pos(name) }) },
        { ALT: (): Expression => {
          const member = this.OPTION(() => { this.CONSUME(t.Dot); return nameOf(this.CONSUME2(t.Identifier)); });
          return { kind: 'variable', name: nameOf(name), ...(member ? { member } : {}), ...pos(name) };
        } },
      ]);
    } },
  ]));

  unary = this.RULE('unary', (): Expression => {
    const op = this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(t.Minus) }, { ALT: () => this.CONSUME(t.Not) }]));
    const operand = this.SUBRULE(this.primary);
    return op ? { kind: 'unary', op: op.tokenType === t.Not ? 'NOT' : '-', operand, ...pos(op) } : operand;
  });

  /** SUBRULE or SUBRULE2: chevrotain tells two calls of one rule in one rule apart by index. */
  private nextLevel(idx: number, rule: () => Expression): Expression {
    return idx === 1 ? this.SUBRULE(rule as never) : this.SUBRULE2(rule as never);
  }

  private readonly upper = (token: IToken | undefined) => (token?.image ?? '').toUpperCase();
  power = this.binaryLevel('power', [t.Power], (i) => this.nextLevel(i, this.unary), this.upper);
  term = this.binaryLevel('term', [t.Star, t.Slash, t.Mod], (i) => this.nextLevel(i, this.power), this.upper);
  add = this.binaryLevel('add', [t.Plus, t.Minus], (i) => this.nextLevel(i, this.term), this.upper);
  relational = this.binaryLevel('relational', [t.LessEqual, t.GreaterEqual, t.Less, t.Greater], (i) => this.nextLevel(i, this.add), this.upper);
  equality = this.binaryLevel('equality', [t.Equal, t.NotEqual], (i) => this.nextLevel(i, this.relational), this.upper);
  and = this.binaryLevel('and', [t.And, t.Ampersand], (i) => this.nextLevel(i, this.equality), () => 'AND'); // & is AND (B.3.1)
  xor = this.binaryLevel('xor', [t.Xor], (i) => this.nextLevel(i, this.and), this.upper);
  expression = this.binaryLevel('expression', [t.Or], (i) => this.nextLevel(i, this.xor), this.upper);
}

let parser: StParser | undefined;

export interface StSyntaxError extends Pos {
  message: string;
}

/** Parses lexed tokens; on a syntax error returns the first one (no recovery: later errors would be noise). */
export function parseStTokens(tokens: IToken[]): { ok: true; pous: Pou[] } | { ok: false; error: StSyntaxError } {
  parser ??= new StParser();
  parser.input = tokens;
  const pous = parser.sourceFile();
  const error = parser.errors[0];
  if (!error) return { ok: true, pous };
  const token = error.token;
  const found = token.tokenType.name === 'EOF' ? 'the end of the text' : `"${token.image}"`;
  const at = Number.isFinite(token.startLine) ? pos(token) : endOf(tokens);
  return { ok: false, error: { ...at, message: `syntax error: ${describe(error.message)}; found ${found}` } };
}

function endOf(tokens: IToken[]): Pos {
  const last = tokens[tokens.length - 1];
  if (!last) return { line: 1, col: 1 };
  return { line: last.endLine ?? last.startLine ?? 1, col: (last.endColumn ?? last.startColumn ?? 0) + 1 };
}

/** Chevrotain's "Expecting token of type --> Semicolon <-- but found ..." as "expected ;". */
function describe(message: string): string {
  const expected = /Expecting token of type --> (\w+) <--/.exec(message);
  if (expected) return `expected ${tokenText(expected[1]!)}`;
  if (/Expecting: one of these possible Token sequences/.test(message) || /Expecting: expecting at least one/.test(message)) {
    const options = [...message.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!.split(', ').map(tokenText).join(' ')).slice(0, 6);
    return `expected ${options.length > 0 ? `one of ${options.join(', ')}` : 'something else'}`;
  }
  return message.split('\n')[0]!;
}

const punctuation: Readonly<Record<string, string>> = {
  Assign: ':=', OutAssign: '=>', LessEqual: '<=', GreaterEqual: '>=', NotEqual: '<>', Less: '<', Greater: '>', Equal: '=',
  Power: '**', Star: '*', Slash: '/', Plus: '+', Minus: '-', Ampersand: '&', LParen: '(', RParen: ')', LBracket: '[',
  RBracket: ']', Comma: ',', Semicolon: ';', DotDot: '..', Dot: '.', Colon: ':', Identifier: 'a name',
};

function tokenText(name: string): string {
  return punctuation[name] ?? (/Literal|Integer/.test(name) ? 'a literal' : name);
}
