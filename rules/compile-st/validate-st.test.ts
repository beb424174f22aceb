import { describe, expect, it } from 'vitest';
import { formatStProblem, validateSt } from './validate-st.ts';

/** Problems as `line:col: message` strings. */
const problems = (source: string) => validateSt(source).map(formatStProblem);

// ---- a corpus of valid POUs, written for this test from the standard (2nd edition) -------------

const tankFillFb = `FUNCTION_BLOCK TANK_FILL
(* Opens the inlet below the low mark and closes it above the high mark; alarms when filling
   takes longer than MAX_FILL. *)
VAR_INPUT
  LEVEL_MM : LREAL;
  LEVEL_OK : BOOL;
  MAX_FILL : TIME := T#10m;
END_VAR
VAR_OUTPUT
  INLET_OPEN : BOOL;
  OVERTIME : BOOL;
  FILLS : DINT;
END_VAR
VAR
  LOW_MARK, HIGH_MARK : LREAL := 250.0;
  FILL_TIMER : TON;
  START_EDGE : R_TRIG;
  STOP_EDGE : F_TRIG;
  LATCH : SR;
END_VAR
VAR CONSTANT
  SPAN_MM : LREAL := 1.5E3;
END_VAR
HIGH_MARK := LOW_MARK + SPAN_MM * 0.5;
IF NOT LEVEL_OK THEN
  INLET_OPEN := FALSE;
ELSIF LEVEL_MM < LOW_MARK THEN
  INLET_OPEN := TRUE;
ELSIF LEVEL_MM >= HIGH_MARK OR LEVEL_MM > 2.0 ** 11.0 THEN
  INLET_OPEN := FALSE;
ELSE
  ; (* keep the inlet as it is *)
END_IF;
FILL_TIMER(IN := INLET_OPEN, PT := MAX_FILL + T#30s);
START_EDGE(CLK := INLET_OPEN);
STOP_EDGE(CLK := INLET_OPEN, Q => LATCH.R);
LATCH(S1 := FILL_TIMER.Q, Q1 => OVERTIME);
IF START_EDGE.Q THEN
  FILLS := FILLS + 1;
END_IF;
END_FUNCTION_BLOCK
`;

const batchCounterProgram = `program batch_counter
var
  parts : ctu;
  down : CTD;
  both : CTUD;
  phase : INT := 0;
  i, total : DINT;
  mask : WORD := 16#00FF;
  flags : BYTE := 2#1010_0101;
  ratio : REAL;
  name : STRING[20] := 'batch $'A$' $0D';
  wide : WSTRING := "w";
  shift_start : TOD := TOD#06:00:00;
  day : DATE := D#2026-01-05;
  stamp : DT := DT#2026-01-05-06:00:00;
  window : TIME;
  flag_up, flag_down : BOOL;
end_var
parts(CU := phase = 1, R := FALSE, PV := 12);
down(CD := parts.Q, LD := FALSE, PV := INT#12);
both(CU := TRUE, CD := FALSE, R := FALSE, LD := FALSE, PV := 5, QU => flag_up, QD => flag_down);
case phase of
  0: phase := 1;
  1, 2: phase := phase + 1;
  3..5, 7: phase := 0;
else
  phase := -1;
end_case;
total := 0;
for i := 1 to 10 by 2 do
  total := total + i;
  if total > DINT#20 then exit; end_if;
end_for;
while total > 0 do
  total := total - 3;
end_while;
repeat
  total := total + 1;
until total >= 5 end_repeat;
mask := SHL(mask, 2) AND 16#FFF0 XOR WORD#1;
flags := NOT flags;
ratio := INT_TO_REAL(parts.CV) / 12.0;
window := TIME#1h_30m - T#250ms;
window := window * 2;
shift_start := shift_start + T#8h;
name := CONCAT(name, 'x', 'y');
phase := LEN(name) MOD 7;
IF LEFT(name, 2) = 'ba' & ratio <> 0.0 THEN RETURN; END_IF;
end_program
`;

const clampFunction = `FUNCTION CLAMPED_RATE : LREAL
VAR_INPUT
  RAW : LREAL;
  SCALE : DINT;
  FAST : BOOL;
END_VAR
VAR_TEMP
  R : LREAL;
END_VAR
R := LIMIT(0.0, ABS(RAW) * DINT_TO_LREAL(SCALE), 100.0);
R := MAX(R, SQRT(R), EXPT(R, 2), MIN(1.0, 2.0));
CLAMPED_RATE := SEL(FAST, R, R / 2.0) - LREAL#0.5 + -1.0;
END_FUNCTION
`;

describe('validateSt accepts a corpus of valid IEC 61131-3 2nd edition POUs', () => {
  it.each([
    ['a function block with timers, edges, a bistable, IF/ELSIF/ELSE and constants', tankFillFb],
    ['a program with counters, CASE, FOR/WHILE/REPEAT, EXIT, RETURN, lower-case keywords and every literal kind', batchCounterProgram],
    ['a function with standard numeric and selection functions', clampFunction],
  ])('%s', (_, source) => {
    expect(problems(source)).toEqual([]);
  });

  it('accepts several POUs in one text', () => {
    expect(problems(`${tankFillFb}\n${clampFunction}`)).toEqual([]);
  });

  it('knows STEP is a keyword (SFC), so the same program with a variable called step is refused', () => {
    expect(problems(batchCounterProgram.replace(/phase/g, 'step'))[0]).toBe('6:3: step is a reserved name (a standard type, function or function block); choose another variable name');
  });
});

// ---- one invalid sample per check ----------------------------------------------------------------

/** A small FB around `body` (line 5 onwards) with a few variables of each kind. */
const fb = (body: string, extraVars = '') => `FUNCTION_BLOCK SAMPLE
VAR_INPUT TEMPERATURE_B12 : LREAL; END_VAR
VAR_OUTPUT ALARM : BOOL; END_VAR
VAR T1 : TON; COUNT : DINT; X : LREAL; ${extraVars}END_VAR
${body}
END_FUNCTION_BLOCK
`;

describe('validateSt rejects', () => {
  it.each([
    ['an undeclared variable', fb('ALARM := TEMPRATURE_B12 > 8.0;'), '5:10: unknown variable TEMPRATURE_B12; declare it in a VAR block'],
    ['a // comment', fb('ALARM := TRUE; // vendor style'), '5:16: // comments are not IEC 61131-3 2nd edition; use (* ... *)'],
    ['a /* */ comment', fb('/* note */ ALARM := TRUE;'), '5:1: /* */ comments are not IEC 61131-3 2nd edition; use (* ... *)'],
    ['a pragma', fb("{attribute 'hide'} ALARM := TRUE;"), '5:1: pragmas {...} are a vendor extension, not IEC 61131-3 2nd edition; remove it'],
    ['a pointer dereference', fb('X := X^;'), '5:7: dereference ^ (pointers) is a vendor extension, not IEC 61131-3 2nd edition'],
    ['a REF= assignment', fb('X REF= X;'), '5:3: REF= (reference assignment) is not IEC 61131-3 2nd edition; assign values with :='],
    ['a METHOD', fb('METHOD RESET'), '5:1: METHOD is object-oriented ST (3rd edition or vendor extension), not IEC 61131-3 2nd edition'],
    ['EXTENDS', 'FUNCTION_BLOCK B EXTENDS A\nEND_FUNCTION_BLOCK', '1:18: EXTENDS is object-oriented ST (3rd edition or vendor extension), not IEC 61131-3 2nd edition'],
    ['a POINTER type', fb('', 'P : POINTER TO LREAL; '), '4:44: POINTER (pointers and references) is a vendor or 3rd-edition extension, not IEC 61131-3 2nd edition'],
    ['__NEW', fb('X := __NEW(LREAL);'), '5:6: identifier __NEW has a double underscore, which IEC 61131-3 does not allow (B.1.1); use single underscores'],
    ['an identifier ending in _', fb('', 'Y_ : BOOL; '), '4:40: identifier Y_ ends with an underscore, which IEC 61131-3 does not allow (B.1.1)'],
    ['a non-ASCII identifier', fb('', '温度 : LREAL; '), '4:40: identifier 温度 has non-ASCII characters; IEC 61131-3 identifiers are letters A-Z, digits and single underscores'],
    ['a non-ASCII comment', fb('(* 8 °C *) ALARM := TRUE;'), '5:6: non-ASCII character "°" in a comment; IEC 61131-3 2nd edition text is ISO 646 (ASCII)'],
    ['ANY as a variable type', fb('', 'V : ANY; '), "4:44: generic type ANY cannot be a variable's type (only a standard function's parameter); use an elementary type such as LREAL"],
    ['an unknown type', fb('', 'V : MY_FB; '), '4:44: unknown type MY_FB; use an elementary type (BOOL, DINT, LREAL, TIME, STRING, ...) or a standard function block (TON, R_TRIG, CTU, ...)'],
    ['a variable declared twice', fb('', 'count : INT; '), '4:40: count is declared twice (first at 4:15); IEC 61131-3 names are case-insensitive'],
    ['a variable named like a standard function', fb('', 'LIMIT : LREAL; '), '4:40: LIMIT is a reserved name (a standard type, function or function block); choose another variable name'],
    ['assigning to a VAR_INPUT', fb('TEMPERATURE_B12 := 0.0;'), '5:1: cannot assign to VAR_INPUT TEMPERATURE_B12; inputs are set by the caller (copy it into a VAR first)'],
    ['assigning to an FB output', fb('T1.Q := TRUE;'), '5:1: cannot assign to T1.Q: Q is an output of TON, set only by the block'],
    ['a member a standard FB does not have', fb('ALARM := T1.DONE;'), '5:13: TON has no input or output DONE; it has IN, PT, Q, ET'],
    ['a member of a variable that is no FB', fb('ALARM := X.Q;'), '5:12: X is LREAL, not a function block instance; it has no member Q'],
    ['an FB instance used as a value', fb('ALARM := T1;'), '5:10: function block instance T1 cannot be used as a value; read an output such as T1.Q'],
    ['an FB call with positional parameters', fb('T1(TRUE, T#5s);'), '5:4: call function block instances with formal parameters, e.g. T1(IN := ...)'],
    ['an FB input the block does not have', fb('T1(IN := TRUE, TIME := T#5s);'), '5:16: TON has no input TIME; its inputs are IN, PT'],
    ['an FB input of the wrong type', fb('T1(IN := TRUE, PT := 5000);'), '5:22: input PT of TON is TIME, found an integer literal; use a value of the right type'],
    ['a parameter given twice', fb('T1(IN := TRUE, IN := FALSE, PT := T#1s);'), '5:16: parameter IN given twice in the call of T1'],
    ['calling a variable that is no FB', fb('X(IN := TRUE);'), '5:1: X is not a function block instance; only instances of TON, R_TRIG, CTU, ... can be called as statements'],
    ['calling an FB inside an expression', fb('ALARM := T1(IN := TRUE, PT := T#1s);'), '5:10: function block T1 cannot be called inside an expression; call it as a statement T1(...); and read T1.Q'],
    ['calling an FB type', fb('TON(IN := TRUE, PT := T#1s);'), '5:1: TON is a function block type; declare an instance (T1 : TON;) and call that'],
    ['mixing LREAL and DINT', fb('X := X + COUNT;'), '5:8: type mismatch in +: LREAL and DINT cannot be mixed (IEC 61131-3 has no implicit conversion); convert explicitly, e.g. DINT_TO_LREAL'],
    ['an integer literal where an LREAL is needed', fb('X := 1;'), '5:6: cannot assign an integer literal to X of type LREAL; write the literal with a decimal point, e.g. 1.0'],
    ['comparing LREAL with an integer literal', fb('ALARM := X > 8;'), '5:12: type mismatch in >: LREAL and an integer literal cannot be mixed (IEC 61131-3 has no implicit conversion); write the literal with a decimal point, e.g. 1.0'],
    ['assigning BOOL to a number', fb('COUNT := ALARM;'), '5:10: cannot assign BOOL to COUNT of type DINT; convert explicitly, e.g. BOOL_TO_DINT'],
    ['AND over numbers', fb('ALARM := X AND TRUE;'), '5:12: AND needs BOOL or bit strings, found LREAL'],
    ['NOT of a number', fb('ALARM := NOT X;'), '5:10: NOT needs BOOL or a bit string, found LREAL'],
    ['MOD of reals', fb('X := X MOD 2.0;'), '5:8: MOD needs integers (ANY_INT), found LREAL'],
    ['TIME mixed with a number', fb('X := T1.ET + X;'), '5:12: TIME + LREAL is not defined; TIME combines only with TIME (+ -) or a number (* /)'],
    ['a non-BOOL IF condition', fb('IF COUNT THEN ALARM := TRUE; END_IF;'), '5:4: the condition of IF must be BOOL, found DINT; compare it, e.g. X <> 0'],
    ['a malformed TIME literal', fb('T1(IN := TRUE, PT := T#5x);'), '5:22: malformed TIME literal T#5x; expected e.g. T#5m, T#1h30m, T#250ms (units d, h, m, s, ms in that order)'],
    ['an unknown function', fb('X := CLAMP(X, 0.0, 1.0);'), '5:6: unknown function CLAMP; only IEC 61131-3 standard functions (e.g. DINT_TO_LREAL, ABS, MAX, LIMIT, SEL) may be called'],
    ['a conversion applied to the wrong type', fb('X := DINT_TO_LREAL(X);'), '5:20: argument 1 of DINT_TO_LREAL must be DINT, found LREAL'],
    ['a function with too few arguments', fb('X := LIMIT(0.0, X);'), '5:6: LIMIT expects 3 arguments, found 2'],
    ['generic arguments of different types', fb('X := MAX(X, COUNT);'), '5:13: arguments of MAX must share one type, found LREAL and DINT; convert explicitly, e.g. DINT_TO_LREAL'],
    ['a function called as a statement', fb('ABS(X);'), '5:1: function ABS called as a statement; use its result, e.g. X := ABS(...)'],
    ['EXIT outside a loop', fb('EXIT;'), '5:1: EXIT outside a loop; EXIT leaves the innermost FOR, WHILE or REPEAT'],
    ['a REAL FOR control variable', fb('FOR X := 1.0 TO 2.0 DO END_FOR;'), '5:5: a FOR control variable must be an integer (ANY_INT), found LREAL'],
    ['assigning to a constant', fb('LIMIT_C := 1.0;').replace('END_VAR\nLIMIT_C', 'END_VAR\nVAR CONSTANT LIMIT_C : LREAL := 2.0; END_VAR\nLIMIT_C'), '6:1: cannot assign to LIMIT_C: it is declared CONSTANT'],
    ['a function block instance inside a FUNCTION', 'FUNCTION F : BOOL\nVAR T1 : TON; END_VAR\nF := TRUE;\nEND_FUNCTION', '2:10: a FUNCTION cannot hold a TON instance (functions have no memory); use a FUNCTION_BLOCK'],
    ['a missing semicolon', fb('ALARM := TRUE\nX := 1.0;'), '6:1: syntax error: expected ;; found "X"'],
    ['a comment that is never closed', fb('(* open ALARM := TRUE;'), '5:1: comment opened with (* is never closed; add *)'],
    ['a stray character', fb('X := X % 2.0;'), '5:8: unexpected character "%"; not part of IEC 61131-3 Structured Text'],
    ['a missing END_FUNCTION_BLOCK', 'FUNCTION_BLOCK A\nVAR X : BOOL; END_VAR\nX := TRUE;\n', '3:11: syntax error: expected END_FUNCTION_BLOCK; found the end of the text'],
  ])('%s', (_, source, expected) => {
    expect(problems(source)).toEqual([expected]);
  });
});

describe('validateSt reading of the standard', () => {
  it('rejects binding an FB output to a VAR_INPUT, and of another type', () => {
    expect(problems(fb('T1(IN := TRUE, PT := T#1s, ET => TEMPERATURE_B12);'))).toEqual([
      '5:34: cannot assign to VAR_INPUT TEMPERATURE_B12; inputs are set by the caller (copy it into a VAR first)',
      '5:34: output ET of TON is TIME but TEMPERATURE_B12 is LREAL',
    ]);
  });

  it('treats keywords and names case-insensitively', () => {
    expect(problems('function_block Fb\nvar t1 : ton; end_var\nT1(in := TRUE, pt := t#5S);\nend_function_block')).toEqual([]);
  });

  it('binds AND tighter than OR and comparisons tighter than AND (Table 55)', () => {
    // Were OR looser than comparison the wrong way round, X > 1.0 OR ALARM would be X > (1.0 OR ALARM): a type error.
    expect(problems(fb('ALARM := X > 1.0 OR ALARM AND X < 2.0;'))).toEqual([]);
    expect(problems(fb('ALARM := (X > 1.0 OR ALARM) = (X < 2.0);'))).toEqual([]);
  });

  it('reports every semantic problem of a text, in order', () => {
    expect(problems(fb('X := 1;\nALARM := UNKNOWN;'))).toEqual([
      '5:6: cannot assign an integer literal to X of type LREAL; write the literal with a decimal point, e.g. 1.0',
      '6:10: unknown variable UNKNOWN; declare it in a VAR block',
    ]);
  });

  it('never throws, whatever the text', () => {
    for (const text of ['', '(*', 'FUNCTION_BLOCK', 'END_VAR', ';;;', 'FUNCTION_BLOCK A VAR X : END_VAR END_FUNCTION_BLOCK', '\u0000\uffff']) {
      expect(Array.isArray(validateSt(text))).toBe(true);
    }
  });
});
