/**
 * Tokens of IEC 61131-3 2nd edition (2003) Structured Text, from Annex B.1 (common elements) and
 * B.3 (ST). Keywords are case-insensitive (B.1.1). Written independently of the compiler
 * (compile-st.ts) so that the validator catches the compiler's mistakes rather than sharing them.
 *
 * Some tokens exist only to be rejected with a helpful message: `//` and `/* *\/` comments
 * (the edition has only `(* *)`), `{...}` pragmas, `^` dereference and `REF=` (3rd edition /
 * vendor extensions).
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Identifiers are lexed loosely (non-ASCII, double underscores) and judged by the checker, for a precise message. */
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*/ });

const keyword = (word: string): TokenType =>
  createToken({ name: word, pattern: new RegExp(word, 'i'), longer_alt: Identifier });

// Longer keywords before their prefixes (FUNCTION_BLOCK before FUNCTION, VAR_INPUT before VAR).
export const FunctionBlock = keyword('FUNCTION_BLOCK');
export const EndFunctionBlock = keyword('END_FUNCTION_BLOCK');
export const Function = keyword('FUNCTION');
export const EndFunction = keyword('END_FUNCTION');
export const Program = keyword('PROGRAM');
export const EndProgram = keyword('END_PROGRAM');
export const VarInput = keyword('VAR_INPUT');
export const VarOutput = keyword('VAR_OUTPUT');
export const VarInOut = keyword('VAR_IN_OUT');
export const VarTemp = keyword('VAR_TEMP');
export const Var = keyword('VAR');
export const EndVar = keyword('END_VAR');
export const Constant = keyword('CONSTANT');
export const Retain = keyword('RETAIN');
export const NonRetain = keyword('NON_RETAIN');
export const If = keyword('IF');
export const Then = keyword('THEN');
export const Elsif = keyword('ELSIF');
export const Else = keyword('ELSE');
export const EndIf = keyword('END_IF');
export const Case = keyword('CASE');
export const Of = keyword('OF');
export const EndCase = keyword('END_CASE');
export const For = keyword('FOR');
export const To = keyword('TO');
export const By = keyword('BY');
export const Do = keyword('DO');
export const EndFor = keyword('END_FOR');
export const While = keyword('WHILE');
export const EndWhile = keyword('END_WHILE');
export const Repeat = keyword('REPEAT');
export const Until = keyword('UNTIL');
export const EndRepeat = keyword('END_REPEAT');
export const Exit = keyword('EXIT');
export const Return = keyword('RETURN');
export const Not = keyword('NOT');
export const And = keyword('AND');
export const Or = keyword('OR');
export const Xor = keyword('XOR');
export const Mod = keyword('MOD');
export const True = keyword('TRUE');
export const False = keyword('FALSE');

// ---- literals (B.1.2) ------------------------------------------------------------------------

const elementaryPrefix = 'BOOL|SINT|INT|DINT|LINT|USINT|UINT|UDINT|ULINT|REAL|LREAL|BYTE|WORD|DWORD|LWORD';
/** `LREAL#1.5`, `INT#16#FF`, `BOOL#TRUE`, `DINT#-5`: a typed literal (B.1.2.1, 2nd edition). */
export const TypedLiteral = createToken({
  name: 'TypedLiteral',
  pattern: new RegExp(`(?:${elementaryPrefix})#(?:[-+]?(?:(?:2|8|16)#[0-9A-Fa-f_]+|\\d[\\d_]*(?:\\.\\d[\\d_]*)?(?:[eE][-+]?\\d+)?)|TRUE|FALSE)`, 'i'),
});
/** Durations (B.1.2.3.1): checked for form by the checker, lexed loosely here. */
export const TimeLiteral = createToken({ name: 'TimeLiteral', pattern: /(?:TIME|T)#[-+]?[0-9][0-9A-Za-z_.]*/i });
export const DateAndTimeLiteral = createToken({ name: 'DateAndTimeLiteral', pattern: /(?:DATE_AND_TIME|DT)#\d{4}-\d{1,2}-\d{1,2}-\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?/i });
export const TimeOfDayLiteral = createToken({ name: 'TimeOfDayLiteral', pattern: /(?:TIME_OF_DAY|TOD)#\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?/i });
export const DateLiteral = createToken({ name: 'DateLiteral', pattern: /(?:DATE|D)#\d{4}-\d{1,2}-\d{1,2}/i });
export const BasedInteger = createToken({ name: 'BasedInteger', pattern: /(?:2|8|16)#[0-9A-Fa-f](?:_?[0-9A-Fa-f])*/ });
export const RealLiteral = createToken({ name: 'RealLiteral', pattern: /\d(?:_?\d)*\.\d(?:_?\d)*(?:[eE][-+]?\d+)?/ });
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', pattern: /\d(?:_?\d)*/ });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /'(?:\$[$'LNPRTlnprt"]|\$[0-9A-Fa-f]{2}|[^'$\r\n])*'/ });
export const WStringLiteral = createToken({ name: 'WStringLiteral', pattern: /"(?:\$[$"LNPRTlnprt']|\$[0-9A-Fa-f]{4}|[^"$\r\n])*"/ });

// ---- punctuation -----------------------------------------------------------------------------

export const Assign = createToken({ name: 'Assign', pattern: /:=/ });
export const OutAssign = createToken({ name: 'OutAssign', pattern: /=>/ });
export const LessEqual = createToken({ name: 'LessEqual', pattern: /<=/ });
export const GreaterEqual = createToken({ name: 'GreaterEqual', pattern: />=/ });
export const NotEqual = createToken({ name: 'NotEqual', pattern: /<>/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Equal = createToken({ name: 'Equal', pattern: /=/ });
export const Power = createToken({ name: 'Power', pattern: /\*\*/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Ampersand = createToken({ name: 'Ampersand', pattern: /&/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });

// ---- skipped and rejected --------------------------------------------------------------------

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED, line_breaks: true });
/** (* ... *) — the edition's only comment; not nested (B.1.5). */
const Comment = createToken({ name: 'Comment', pattern: /\(\*[\s\S]*?\*\)/, group: Lexer.SKIPPED, line_breaks: true });

/** Tokens the lexer recognises only to reject them; each maps to the message the validator prints. */
export const rejectedTokens: ReadonlyArray<[TokenType, string]> = [
  [createToken({ name: 'UnclosedComment', pattern: /\(\*[\s\S]*/, line_breaks: true }), 'comment opened with (* is never closed; add *)'],
  [createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/ }), '// comments are not IEC 61131-3 2nd edition; use (* ... *)'],
  [createToken({ name: 'CComment', pattern: /\/\*[\s\S]*?\*\//, line_breaks: true }), '/* */ comments are not IEC 61131-3 2nd edition; use (* ... *)'],
  [createToken({ name: 'Pragma', pattern: /\{[^}]*\}?/, line_breaks: true }), 'pragmas {...} are a vendor extension, not IEC 61131-3 2nd edition; remove it'],
  [createToken({ name: 'Caret', pattern: /\^/ }), 'dereference ^ (pointers) is a vendor extension, not IEC 61131-3 2nd edition'],
  [createToken({ name: 'RefAssign', pattern: /REF=/i }), 'REF= (reference assignment) is not IEC 61131-3 2nd edition; assign values with :='],
];

const [unclosed, lineComment, cComment, pragma, caret, refAssign] = rejectedTokens.map(([t]) => t) as [TokenType, TokenType, TokenType, TokenType, TokenType, TokenType];

export const stTokens: TokenType[] = [
  WhiteSpace, Comment, unclosed, lineComment, cComment, pragma, caret, refAssign,
  TypedLiteral, DateAndTimeLiteral, TimeOfDayLiteral, TimeLiteral, DateLiteral, BasedInteger, RealLiteral, IntegerLiteral,
  StringLiteral, WStringLiteral,
  FunctionBlock, EndFunctionBlock, Function, EndFunction, Program, EndProgram,
  VarInput, VarOutput, VarInOut, VarTemp, Var, EndVar, Constant, Retain, NonRetain,
  If, Then, Elsif, Else, EndIf, Case, Of, EndCase, For, To, By, Do, EndFor, While, EndWhile, Repeat, Until, EndRepeat,
  Exit, Return, Not, And, Or, Xor, Mod, True, False,
  Identifier,
  Assign, OutAssign, LessEqual, NotEqual, GreaterEqual, Less, Greater, Equal, Power, Star, Slash, Plus, Minus, Ampersand,
  LParen, RParen, LBracket, RBracket, Comma, Semicolon, DotDot, Dot, Colon,
];

export const stLexer = new Lexer(stTokens, { positionTracking: 'full', ensureOptimizations: false });
