/**
 * The parts of the IEC 61131-3 2nd edition standard library the validator knows, as tables:
 * elementary data types and their generic families (2.3.1, 2.3.2 Table 11), standard function
 * blocks with their inputs and outputs (2.5.2.3: bistables, edge detectors, counters, timers)
 * and standard functions with their signatures (2.5.1.5: type conversion, numeric, bit-string,
 * selection, character string). Anything not listed here is not standard as far as this
 * validator is concerned.
 */

export const intTypes = ['SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT'] as const;
export const realTypes = ['REAL', 'LREAL'] as const;
export const bitTypes = ['BOOL', 'BYTE', 'WORD', 'DWORD', 'LWORD'] as const;
export const dateTypes = ['DATE', 'TOD', 'DT'] as const;
export const stringTypes = ['STRING', 'WSTRING'] as const;

/** Every elementary type by its canonical name; TIME_OF_DAY and DATE_AND_TIME are spelled TOD and DT. */
export const elementaryTypes: ReadonlySet<string> = new Set([...intTypes, ...realTypes, ...bitTypes, 'TIME', ...dateTypes, ...stringTypes]);
export const typeAliases: Readonly<Record<string, string>> = { TIME_OF_DAY: 'TOD', DATE_AND_TIME: 'DT' };

/** Generic type names (Table 11): usable in function signatures, never as a variable's type. */
export const genericTypes: ReadonlySet<string> = new Set(['ANY', 'ANY_DERIVED', 'ANY_ELEMENTARY', 'ANY_MAGNITUDE', 'ANY_NUM', 'ANY_REAL', 'ANY_INT', 'ANY_BIT', 'ANY_STRING', 'ANY_DATE']);

export type Family = ReadonlySet<string>;
const family = (...types: ReadonlyArray<readonly string[] | string>): Family => new Set(types.flatMap((x) => (typeof x === 'string' ? [x] : [...x])));
export const families = {
  ANY_INT: family(intTypes),
  ANY_REAL: family(realTypes),
  ANY_NUM: family(intTypes, realTypes),
  ANY_BIT: family(bitTypes),
  ANY_MAGNITUDE: family(intTypes, realTypes, 'TIME'),
  ANY_STRING: family(stringTypes),
  ANY_ELEMENTARY: family([...elementaryTypes]),
} as const;

export interface FunctionBlockType {
  inputs: Readonly<Record<string, string>>;
  outputs: Readonly<Record<string, string>>;
}

const timer: FunctionBlockType = { inputs: { IN: 'BOOL', PT: 'TIME' }, outputs: { Q: 'BOOL', ET: 'TIME' } };
const trigger: FunctionBlockType = { inputs: { CLK: 'BOOL' }, outputs: { Q: 'BOOL' } };

/** Standard function blocks (2.5.2.3.1 - 2.5.2.3.4). */
export const standardFunctionBlocks: Readonly<Record<string, FunctionBlockType>> = {
  SR: { inputs: { S1: 'BOOL', R: 'BOOL' }, outputs: { Q1: 'BOOL' } },
  RS: { inputs: { S: 'BOOL', R1: 'BOOL' }, outputs: { Q1: 'BOOL' } },
  R_TRIG: trigger,
  F_TRIG: trigger,
  CTU: { inputs: { CU: 'BOOL', R: 'BOOL', PV: 'INT' }, outputs: { Q: 'BOOL', CV: 'INT' } },
  CTD: { inputs: { CD: 'BOOL', LD: 'BOOL', PV: 'INT' }, outputs: { Q: 'BOOL', CV: 'INT' } },
  CTUD: { inputs: { CU: 'BOOL', CD: 'BOOL', R: 'BOOL', LD: 'BOOL', PV: 'INT' }, outputs: { QU: 'BOOL', QD: 'BOOL', CV: 'INT' } },
  TP: timer,
  TON: timer,
  TOF: timer,
};

/** A parameter accepts one family; `generic` parameters must all be of one and the same type. */
export interface FunctionParameter {
  accepts: Family;
  generic: boolean;
}

export interface FunctionSignature {
  params: FunctionParameter[];
  /** The last parameter may repeat (MAX, MIN, MUX, CONCAT). */
  variadic: boolean;
  /** A concrete result type, or 'generic' for the type the generic parameters agreed on. */
  result: string;
}

const g = (accepts: Family): FunctionParameter => ({ accepts, generic: true });
const p = (accepts: Family | string): FunctionParameter => ({ accepts: typeof accepts === 'string' ? family(accepts) : accepts, generic: false });
const fn = (params: FunctionParameter[], result: string, variadic = false): FunctionSignature => ({ params, result, variadic });

const signatures: Record<string, FunctionSignature> = {
  ABS: fn([g(families.ANY_NUM)], 'generic'),
  EXPT: fn([g(families.ANY_REAL), p(families.ANY_NUM)], 'generic'),
  MOVE: fn([g(families.ANY_ELEMENTARY)], 'generic'),
  SEL: fn([p('BOOL'), g(families.ANY_ELEMENTARY), g(families.ANY_ELEMENTARY)], 'generic'),
  MAX: fn([g(families.ANY_ELEMENTARY), g(families.ANY_ELEMENTARY)], 'generic', true),
  MIN: fn([g(families.ANY_ELEMENTARY), g(families.ANY_ELEMENTARY)], 'generic', true),
  LIMIT: fn([g(families.ANY_ELEMENTARY), g(families.ANY_ELEMENTARY), g(families.ANY_ELEMENTARY)], 'generic'),
  MUX: fn([p(families.ANY_INT), g(families.ANY_ELEMENTARY), g(families.ANY_ELEMENTARY)], 'generic', true),
  LEN: fn([p('STRING')], 'INT'),
  LEFT: fn([p('STRING'), p(families.ANY_INT)], 'STRING'),
  RIGHT: fn([p('STRING'), p(families.ANY_INT)], 'STRING'),
  MID: fn([p('STRING'), p(families.ANY_INT), p(families.ANY_INT)], 'STRING'),
  CONCAT: fn([p('STRING'), p('STRING')], 'STRING', true),
  FIND: fn([p('STRING'), p('STRING')], 'INT'),
};
for (const name of ['SQRT', 'LN', 'LOG', 'EXP', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN']) signatures[name] = fn([g(families.ANY_REAL)], 'generic');
for (const name of ['SHL', 'SHR', 'ROL', 'ROR']) signatures[name] = fn([g(families.ANY_BIT), p(families.ANY_INT)], 'generic');

// Type conversion functions (2.5.1.5.1, Table 22): <from>_TO_<to> between numbers, bit strings, TIME and STRING.
const convertible = [...intTypes, ...realTypes, ...bitTypes, 'TIME', 'STRING'];
for (const from of convertible) {
  for (const to of convertible) if (from !== to) signatures[`${from}_TO_${to}`] = fn([p(from)], to);
}
signatures.DT_TO_DATE = fn([p('DT')], 'DATE');
signatures.DT_TO_TOD = fn([p('DT')], 'TOD');

export const standardFunctions: Readonly<Record<string, FunctionSignature>> = signatures;

/**
 * Words a variable may not be called: keywords of Annex C, type, function and function block
 * names. (Keywords the parser knows never reach the checker as names.)
 */
export const reservedWords: ReadonlySet<string> = new Set([
  ...elementaryTypes, ...Object.keys(typeAliases), ...genericTypes, ...Object.keys(standardFunctionBlocks), ...Object.keys(standardFunctions),
  'ACTION', 'END_ACTION', 'ARRAY', 'AT', 'CONFIGURATION', 'END_CONFIGURATION', 'EN', 'ENO', 'F_EDGE', 'R_EDGE', 'INITIAL_STEP',
  'STEP', 'END_STEP', 'READ_ONLY', 'READ_WRITE', 'RESOURCE', 'END_RESOURCE', 'ON', 'WITH', 'STRUCT', 'END_STRUCT', 'TASK',
  'TRANSITION', 'END_TRANSITION', 'FROM', 'TYPE', 'END_TYPE', 'VAR_EXTERNAL', 'VAR_GLOBAL', 'VAR_ACCESS', 'VAR_CONFIG',
  'ADD', 'SUB', 'MUL', 'DIV', 'GT', 'GE', 'EQ', 'LE', 'LT', 'NE', 'INSERT', 'DELETE', 'REPLACE', 'TRUNC',
]);

/**
 * Names that are vendor or 3rd-edition (2013) extensions: object orientation, references and
 * pointers, namespaces. Found as identifiers, they are rejected with this message.
 */
export const vendorWords: Readonly<Record<string, string>> = Object.fromEntries([
  ...['METHOD', 'END_METHOD', 'PROPERTY', 'END_PROPERTY', 'EXTENDS', 'IMPLEMENTS', 'INTERFACE', 'END_INTERFACE', 'THIS', 'SUPER',
    'ABSTRACT', 'FINAL', 'OVERRIDE', 'PUBLIC', 'PRIVATE', 'PROTECTED', 'INTERNAL', 'CLASS', 'END_CLASS']
    .map((w) => [w, `${w} is object-oriented ST (3rd edition or vendor extension), not IEC 61131-3 2nd edition`]),
  ...['POINTER', 'REFERENCE', 'REF', 'REF_TO', 'ADR', 'SIZEOF', 'DREF']
    .map((w) => [w, `${w} (pointers and references) is a vendor or 3rd-edition extension, not IEC 61131-3 2nd edition`]),
  ...['NAMESPACE', 'END_NAMESPACE', 'USING', 'CONTINUE', 'JMP', 'UNION', 'END_UNION', 'LTIME', 'LDATE', 'LTOD', 'LDT', 'CHAR', 'WCHAR']
    .map((w) => [w, `${w} is not part of IEC 61131-3 2nd edition ST`]),
]);
