/**
 * Semantic checks of one parsed POU against IEC 61131-3 2nd edition: every name declared,
 * strict typing of every operator, assignment and call (no implicit conversion, 2.5.1.5.1),
 * function block instances called as statements with formal parameters of their standard
 * inputs and outputs (2.5.2.2, B.3.2.2), no assignment to a VAR_INPUT, a constant or an FB
 * output, EXIT only inside a loop (3.3.2.4), BOOL conditions.
 */
import { standardFunctionBlocks, standardFunctions } from './st-standard-library.ts';
import type { Argument, Expression, Pou, Statement, VariableRef } from './st-syntax.ts';
import { buildScope, elementaryType, type Report, type StSymbol } from './st-scope.ts';
import { assignable, conversionHint, describeType, ERROR, familyName, fits, INT_LITERAL, REAL_LITERAL, unify, type StType } from './st-types.ts';
import { families } from './st-standard-library.ts';

const timeForm = /^(?:T|TIME)#[-+]?(?=\d)(?:\d+(?:\.\d+)?d_?)?(?:\d+(?:\.\d+)?h_?)?(?:\d+(?:\.\d+)?m(?!s)_?)?(?:\d+(?:\.\d+)?s_?)?(?:\d+(?:\.\d+)?ms)?$/i;

export function checkPou(pou: Pou, report: Report): void {
  new PouChecker(pou, report).check();
}

class PouChecker {
  private readonly symbols: Map<string, StSymbol>;
  private loopDepth = 0;

  constructor(private readonly pou: Pou, private readonly report: Report) {
    this.symbols = buildScope(pou, report);
  }

  check(): void {
    for (const block of this.pou.sections) {
      for (const decl of block.decls) {
        if (!decl.init) continue;
        const target = this.symbols.get(decl.names[0]!.text.toUpperCase());
        const value = this.typeOf(decl.init);
        if (target && !target.fb && !assignable(target.type, value)) {
          this.report(decl.init, `initial value of ${target.name} must be ${target.type}, found ${describeType(value)}; ${conversionHint(value, target.type)}`);
        }
      }
    }
    this.statements(this.pou.body);
  }

  // ---- statements -----------------------------------------------------------------------------

  private statements(list: Statement[]): void {
    for (const statement of list) this.statement(statement);
  }

  private statement(s: Statement): void {
    switch (s.kind) {
      case 'assign': {
        const target = this.writable(s.target);
        const value = this.typeOf(s.value);
        if (!assignable(target, value)) this.report(s.value, `cannot assign ${describeType(value)} to ${this.refText(s.target)} of type ${target}; ${conversionHint(value, target)}`);
        return;
      }
      case 'invoke': return this.invoke(s.target, s.args);
      case 'if':
        for (const branch of s.branches) { this.condition(branch.condition, 'IF'); this.statements(branch.body); }
        if (s.otherwise) this.statements(s.otherwise);
        return;
      case 'case': {
        const selector = this.typeOf(s.selector);
        if (!fits(families.ANY_INT, selector)) this.report(s.selector, `a CASE selector must be an integer (ANY_INT), found ${describeType(selector)}`);
        for (const clause of s.clauses) {
          for (const label of clause.labels) {
            for (const bound of label.high ? [label.low, label.high] : [label.low]) {
              const type = this.typeOf(bound);
              if (!unify(selector, type)) this.report(bound, `CASE label must be ${describeType(selector)} like its selector, found ${describeType(type)}`);
            }
          }
          this.statements(clause.body);
        }
        if (s.otherwise) this.statements(s.otherwise);
        return;
      }
      case 'for': {
        const control = this.writable({ kind: 'variable', name: s.control, line: s.control.line, col: s.control.col });
        if (!fits(families.ANY_INT, control)) this.report(s.control, `a FOR control variable must be an integer (ANY_INT), found ${describeType(control)}`);
        for (const bound of s.by ? [s.from, s.to, s.by] : [s.from, s.to]) {
          const type = this.typeOf(bound);
          if (!assignable(control, type)) this.report(bound, `FOR bounds must be ${control} like ${s.control.text}, found ${describeType(type)}; ${conversionHint(type, control)}`);
        }
        return this.loop(s.body);
      }
      case 'while': this.condition(s.condition, 'WHILE'); return this.loop(s.body);
      case 'repeat': this.loop(s.body); this.condition(s.condition, 'UNTIL'); return;
      case 'exit':
        if (this.loopDepth === 0) this.report(s, 'EXIT outside a loop; EXIT leaves the innermost FOR, WHILE or REPEAT');
        return;
      case 'return': case 'empty': return;
    }
  }

  private loop(body: Statement[]): void {
    this.loopDepth++;
    this.statements(body);
    this.loopDepth--;
  }

  private condition(e: Expression, keyword: string): void {
    const type = this.typeOf(e);
    if (type !== 'BOOL' && type !== ERROR) this.report(e, `the condition of ${keyword} must be BOOL, found ${describeType(type)}; compare it, e.g. X <> 0`);
  }

  /** `inst(IN := ..., Q => v);` — only FB instances, only formal parameters of their standard inputs and outputs. */
  private invoke(target: VariableRef, args: Argument[]): void {
    const key = target.name.text.toUpperCase();
    const symbol = this.symbols.get(key);
    if (!symbol) {
      if (standardFunctions[key]) this.report(target, `function ${target.name.text} called as a statement; use its result, e.g. X := ${target.name.text}(...)`);
      else if (standardFunctionBlocks[key]) this.report(target, `${target.name.text} is a function block type; declare an instance (T1 : ${key};) and call that`);
      else this.report(target, `unknown function block instance ${target.name.text}; declare it in a VAR block (e.g. ${target.name.text} : TON;)`);
      return;
    }
    if (!symbol.fb || target.member) {
      this.report(target, `${this.refText(target)} is not a function block instance; only instances of TON, R_TRIG, CTU, ... can be called as statements`);
      return;
    }
    const fb = symbol.fb;
    const seen = new Set<string>();
    let positionalReported = false;
    for (const arg of args) {
      if (arg.kind === 'input' && !arg.name) {
        if (!positionalReported) this.report(arg, `call function block instances with formal parameters, e.g. ${symbol.name}(${Object.keys(fb.inputs)[0]} := ...)`);
        positionalReported = true;
        this.typeOf(arg.value);
        continue;
      }
      if (!arg.name) continue;
      const param = arg.name.text.toUpperCase();
      if (seen.has(param)) this.report(arg.name, `parameter ${arg.name.text} given twice in the call of ${symbol.name}`);
      seen.add(param);
      if (arg.kind === 'input') {
        const expected = fb.inputs[param];
        const value = this.typeOf(arg.value);
        if (!expected) {
          const hint = fb.outputs[param] ? `; ${param} is an output: read it with ${param} => variable` : '';
          this.report(arg.name, `${symbol.type} has no input ${arg.name.text}; its inputs are ${Object.keys(fb.inputs).join(', ')}${hint}`);
        } else if (!assignable(expected, value)) {
          this.report(arg.value, `input ${param} of ${symbol.type} is ${expected}, found ${describeType(value)}; ${conversionHint(value, expected)}`);
        }
      } else {
        const produced = fb.outputs[param];
        const target = this.writable(arg.target);
        if (!produced) this.report(arg.name, `${symbol.type} has no output ${arg.name.text}; its outputs are ${Object.keys(fb.outputs).join(', ')}`);
        else if (produced !== target && target !== ERROR) this.report(arg.target, `output ${param} of ${symbol.type} is ${produced} but ${this.refText(arg.target)} is ${target}`);
        else if (arg.negate && produced !== 'BOOL') this.report(arg, `NOT before => needs a BOOL output; ${param} is ${produced}`);
      }
    }
  }

  // ---- variables ------------------------------------------------------------------------------

  private refText(ref: VariableRef): string {
    return ref.member ? `${ref.name.text}.${ref.member.text}` : ref.name.text;
  }

  private lookup(ref: VariableRef): StSymbol | undefined {
    const symbol = this.symbols.get(ref.name.text.toUpperCase());
    if (!symbol) this.report(ref, `unknown variable ${ref.name.text}; declare it in a VAR block`);
    return symbol;
  }

  /** The type of a variable read; FB members are that FB's standard inputs and outputs. */
  private read(ref: VariableRef): StType {
    const symbol = this.lookup(ref);
    if (!symbol) return ERROR;
    if (!ref.member) {
      if (symbol.fb) { this.report(ref, `function block instance ${symbol.name} cannot be used as a value; read an output such as ${symbol.name}.${Object.keys(symbol.fb.outputs)[0]}`); return ERROR; }
      return symbol.type;
    }
    return this.member(symbol, ref) ?? ERROR;
  }

  private member(symbol: StSymbol, ref: VariableRef): StType | undefined {
    const member = ref.member!;
    if (!symbol.fb) {
      if (symbol.type !== ERROR) this.report(member, `${symbol.name} is ${symbol.type}, not a function block instance; it has no member ${member.text}`);
      return undefined;
    }
    const key = member.text.toUpperCase();
    const type = symbol.fb.inputs[key] ?? symbol.fb.outputs[key];
    if (!type) this.report(member, `${symbol.type} has no input or output ${member.text}; it has ${[...Object.keys(symbol.fb.inputs), ...Object.keys(symbol.fb.outputs)].join(', ')}`);
    return type;
  }

  /** The type of an assignment target, after checking it may be written. */
  private writable(ref: VariableRef): StType {
    const symbol = this.lookup(ref);
    if (!symbol) return ERROR;
    if (ref.member) {
      const type = this.member(symbol, ref);
      if (type && symbol.fb?.outputs[ref.member.text.toUpperCase()]) {
        this.report(ref, `cannot assign to ${this.refText(ref)}: ${ref.member.text} is an output of ${symbol.type}, set only by the block`);
      }
      return type ?? ERROR;
    }
    if (symbol.fb) this.report(ref, `cannot assign to function block instance ${symbol.name}; call it, e.g. ${symbol.name}(...)`);
    else if (symbol.section === 'VAR_INPUT') this.report(ref, `cannot assign to VAR_INPUT ${symbol.name}; inputs are set by the caller (copy it into a VAR first)`);
    else if (symbol.constant) this.report(ref, `cannot assign to ${symbol.name}: it is declared CONSTANT`);
    return symbol.fb ? ERROR : symbol.type;
  }

  // ---- expressions ----------------------------------------------------------------------------

  typeOf(e: Expression): StType {
    switch (e.kind) {
      case 'literal': return this.literal(e.literal, e.text, e);
      case 'paren': return this.typeOf(e.inner);
      case 'variable': return this.read(e);
      case 'unary': {
        const type = this.typeOf(e.operand);
        if (e.op === 'NOT') {
          if (!fits(families.ANY_BIT, type)) { this.report(e, `NOT needs BOOL or a bit string, found ${describeType(type)}`); return ERROR; }
          return type;
        }
        if (!fits(families.ANY_NUM, type)) { this.report(e, `unary - needs a number (ANY_NUM), found ${describeType(type)}`); return ERROR; }
        return type;
      }
      case 'binary': return this.binary(e.op, this.typeOf(e.left), this.typeOf(e.right), e);
      case 'call': return this.call(e);
    }
  }

  private literal(kind: string, text: string, at: { line: number; col: number }): StType {
    switch (kind) {
      case 'integer': return INT_LITERAL;
      case 'real': return REAL_LITERAL;
      case 'bool': return 'BOOL';
      case 'time':
        if (!timeForm.test(text)) { this.report(at, `malformed TIME literal ${text}; expected e.g. T#5m, T#1h30m, T#250ms (units d, h, m, s, ms in that order)`); return ERROR; }
        return 'TIME';
      case 'date': return 'DATE';
      case 'tod': return 'TOD';
      case 'dt': return 'DT';
      case 'string': return 'STRING';
      case 'wstring': return 'WSTRING';
      default: {
        const [prefix, value] = [text.slice(0, text.indexOf('#')).toUpperCase(), text.slice(text.indexOf('#') + 1)];
        const type = elementaryType(prefix)!;
        const ok = type === 'BOOL' ? /^(TRUE|FALSE|0|1)$/i.test(value)
          : fits(families.ANY_REAL, type) ? /^[-+]?(\d[\d_]*(\.\d[\d_]*)?([eE][-+]?\d+)?)$/.test(value)
          : /^[-+]?((2|8|16)#[0-9A-Fa-f_]+|\d[\d_]*)$/.test(value);
        if (!ok) { this.report(at, `${text} is not a valid ${type} literal`); return ERROR; }
        return type;
      }
    }
  }

  private binary(op: string, left: StType, right: StType, at: { line: number; col: number }): StType {
    if (left === ERROR || right === ERROR) return op === '=' || op === '<>' || op === '<' || op === '>' || op === '<=' || op === '>=' ? 'BOOL' : ERROR;
    const mismatch = () => {
      const [from, to] = left === INT_LITERAL || left === REAL_LITERAL ? [left, right] : [right, left];
      this.report(at, `type mismatch in ${op}: ${describeType(left)} and ${describeType(right)} cannot be mixed (IEC 61131-3 has no implicit conversion); ${conversionHint(from, to)}`);
      return ERROR;
    };
    const needs = (family: keyof typeof families, what: string): StType => {
      for (const side of [left, right]) {
        if (!fits(families[family], side)) { this.report(at, `${op} needs ${what}, found ${describeType(side)}`); return ERROR; }
      }
      return unify(left, right) ?? mismatch();
    };
    switch (op) {
      case 'OR': case 'XOR': case 'AND': return needs('ANY_BIT', 'BOOL or bit strings');
      case '=': case '<>': case '<': case '>': case '<=': case '>=':
        return unify(left, right) ? 'BOOL' : (mismatch(), 'BOOL');
      case 'MOD': return needs('ANY_INT', 'integers (ANY_INT)');
      case '**':
        if (!fits(families.ANY_REAL, left) || !fits(families.ANY_NUM, right)) { this.report(at, `** needs a REAL or LREAL base and a numeric exponent, found ${describeType(left)} ** ${describeType(right)}`); return ERROR; }
        return left;
      default: break;
    }
    // Table 30: TIME and date arithmetic.
    const timed = timeArithmetic[`${left} ${op} ${right}`];
    if (timed) return timed;
    if ((op === '*' || op === '/') && left === 'TIME' && fits(families.ANY_NUM, right)) return 'TIME';
    if (left === 'TIME' || right === 'TIME' || ['DATE', 'TOD', 'DT'].includes(left) || ['DATE', 'TOD', 'DT'].includes(right)) {
      this.report(at, `${describeType(left)} ${op} ${describeType(right)} is not defined; TIME combines only with TIME (+ -) or a number (* /)`);
      return ERROR;
    }
    return needs('ANY_NUM', 'numbers (ANY_NUM)');
  }

  private call(e: Extract<Expression, { kind: 'call' }>): StType {
    const key = e.callee.text.toUpperCase();
    const signature = standardFunctions[key];
    const argTypes = e.args.map((arg) => (arg.kind === 'input' ? this.typeOf(arg.value) : ERROR));
    if (!signature) {
      const symbol = this.symbols.get(key);
      if (symbol?.fb) this.report(e, `function block ${symbol.name} cannot be called inside an expression; call it as a statement ${symbol.name}(...); and read ${symbol.name}.${Object.keys(symbol.fb.outputs)[0]}`);
      else if (standardFunctionBlocks[key]) this.report(e, `${e.callee.text} is a function block type; declare an instance (T1 : ${key};), call it, then read its outputs`);
      else this.report(e, `unknown function ${e.callee.text}; only IEC 61131-3 standard functions (e.g. DINT_TO_LREAL, ABS, MAX, LIMIT, SEL) may be called`);
      return ERROR;
    }
    for (const arg of e.args) {
      if (arg.kind === 'output' || arg.name) this.report(arg, `pass arguments of ${key} by position, e.g. ${key}(x, y); this validator does not accept formal names for functions`);
    }
    const { params, variadic } = signature;
    if (variadic ? argTypes.length < params.length : argTypes.length !== params.length) {
      this.report(e, `${key} expects ${variadic ? 'at least ' : ''}${params.length} argument${params.length === 1 ? '' : 's'}, found ${argTypes.length}`);
      return ERROR;
    }
    let generic: StType | undefined;
    for (const [i, type] of argTypes.entries()) {
      const param = params[Math.min(i, params.length - 1)]!;
      if (!fits(param.accepts, type)) {
        this.report(e.args[i]!, `argument ${i + 1} of ${key} must be ${familyName(param.accepts)}, found ${describeType(type)}`);
        return ERROR;
      }
      if (!param.generic || type === ERROR) continue;
      const joined = generic === undefined ? type : unify(generic, type);
      if (joined === undefined) {
        this.report(e.args[i]!, `arguments of ${key} must share one type, found ${describeType(generic!)} and ${describeType(type)}; ${conversionHint(type, generic!)}`);
        return ERROR;
      }
      generic = joined;
    }
    return signature.result === 'generic' ? generic ?? ERROR : signature.result;
  }
}

const timeArithmetic: Readonly<Record<string, StType>> = {
  'TIME + TIME': 'TIME', 'TIME - TIME': 'TIME', 'TOD + TIME': 'TOD', 'TOD - TIME': 'TOD', 'DT + TIME': 'DT', 'DT - TIME': 'DT',
  'DATE - DATE': 'TIME', 'TOD - TOD': 'TIME', 'DT - DT': 'TIME',
};
