/**
 * S7 tag addresses in nodes7 syntax, data blocks only:
 *   "DB1,REAL4"      REAL at byte 4 of DB1
 *   "DB1,X2.1"       bit 1 of byte 2
 *   "DB1,X2.1.8"     8 bits from bit 2.1
 *   "DB5,INT6.10"    10 INTs from byte 6
 *   "DB3,S10.20"     STRING with room for 20 characters at byte 10 (2-byte header + 20 bytes)
 * Short type names are accepted (B, C, W, I, DW, DI, R, LR, S) and written back in full.
 * Numbers are big-endian on the wire, as everywhere in S7 (IEC 61131-3 types, Siemens layout).
 */

export type S7DataType = 'X' | 'BYTE' | 'CHAR' | 'WORD' | 'INT' | 'DWORD' | 'DINT' | 'REAL' | 'LREAL' | 'STRING';

export interface S7TypeInfo {
  /** Bytes of one element; 0 for X (a bit) and STRING (2 + declared length). */
  bytes: number;
  /** What one element decodes to. */
  value: 'boolean' | 'number' | 'string';
  /** Inclusive raw range of integer types; undefined for floats, bits and text. */
  range?: readonly [min: number, max: number];
  /** float32 values are checked against its range on write. */
  float?: 32 | 64;
}

export const s7DataTypes: Readonly<Record<S7DataType, S7TypeInfo>> = {
  X: { bytes: 0, value: 'boolean' },
  BYTE: { bytes: 1, value: 'number', range: [0, 0xff] },
  CHAR: { bytes: 1, value: 'string' },
  WORD: { bytes: 2, value: 'number', range: [0, 0xffff] },
  INT: { bytes: 2, value: 'number', range: [-0x8000, 0x7fff] },
  DWORD: { bytes: 4, value: 'number', range: [0, 0xffffffff] },
  DINT: { bytes: 4, value: 'number', range: [-0x80000000, 0x7fffffff] },
  REAL: { bytes: 4, value: 'number', float: 32 },
  LREAL: { bytes: 8, value: 'number', float: 64 },
  STRING: { bytes: 0, value: 'string' },
};

/** Short names nodes7 also accepts. */
const aliases: Readonly<Record<string, S7DataType>> = {
  B: 'BYTE', C: 'CHAR', W: 'WORD', I: 'INT', DW: 'DWORD', DI: 'DINT', R: 'REAL', LR: 'LREAL', S: 'STRING',
};

/** Types nodes7 knows that this connector does not read yet, with the reason an engineer needs. */
const unsupportedTypes: Readonly<Record<string, string>> = {
  LINT: 'nodes7 0.3.18 does not decode LINT (64-bit integers); read it as two DWORDs or change the PLC tag to LREAL',
  LI: 'nodes7 0.3.18 does not decode LINT (64-bit integers); read it as two DWORDs or change the PLC tag to LREAL',
  DT: 'date/time values are not scalar tag values yet; read the bytes with BYTE<offset>.8',
  DTZ: 'date/time values are not scalar tag values yet; read the bytes with BYTE<offset>.8',
  DTL: 'date/time values are not scalar tag values yet; read the bytes with BYTE<offset>.12',
  DTLZ: 'date/time values are not scalar tag values yet; read the bytes with BYTE<offset>.12',
  TIMER: 'timers live in the T area, not in a data block',
  COUNTER: 'counters live in the C area, not in a data block',
};

export interface S7Address {
  dbNumber: number;
  type: S7DataType;
  byteOffset: number;
  /** 0..7 for X, else 0. */
  bitOffset: number;
  /** Elements; 1 for a scalar. A CHAR array reads as one string of `count` characters. */
  count: number;
  /** Declared maximum characters of a STRING, else 0. */
  stringLength: number;
  /** The canonical nodes7 text, e.g. "DB3,STRING10.20". */
  text: string;
}

export type ParsedS7Address = { ok: true; address: S7Address } | { ok: false; error: string };

const examples = '"DB1,REAL4", "DB1,X2.1", "DB3,S10.20"';
const shapeHint = `expected DB<n>,<type><offset> such as ${examples}`;
const maxDbNumber = 65535;
const maxByteOffset = 65535;
const maxStringLength = 254;
const typeList = [...Object.keys(s7DataTypes), ...Object.keys(aliases)].join(', ');

const isType = (s: string): s is S7DataType => Object.hasOwn(s7DataTypes, s);
const fail = (error: string): ParsedS7Address => ({ ok: false, error });

/** Bytes one element of the address occupies in the DB. */
export function elementBytes(address: Pick<S7Address, 'type' | 'stringLength'>): number {
  return address.type === 'STRING' ? address.stringLength + 2 : s7DataTypes[address.type].bytes;
}

/** The canonical nodes7 text of an address. */
export function formatS7Address(a: Omit<S7Address, 'text'>): string {
  const head = `DB${a.dbNumber},${a.type}${a.byteOffset}`;
  const count = a.count > 1 ? `.${a.count}` : '';
  if (a.type === 'X') return `${head}.${a.bitOffset}${count}`;
  if (a.type === 'STRING') return `${head}.${a.stringLength}${count}`;
  return `${head}${count}`;
}

/** Parses one tag address; never throws. The error names the problem and shows the expected form. */
export function parseS7Address(input: string): ParsedS7Address {
  const text = input.trim();
  const match = /^DB(\d+),([A-Za-z]+)(\d+)((?:\.\d+)*)$/i.exec(text);
  if (!match) {
    if (/^DB\d+,[A-Za-z]+$/i.test(text)) return fail(`Cannot parse tag address "${input}": the byte offset is missing; ${shapeHint}`);
    return fail(`Cannot parse tag address "${input}": ${shapeHint}`);
  }
  const [, dbText, typeText, offsetText, suffix] = match as unknown as [string, string, string, string, string];
  const dbNumber = Number(dbText);
  if (dbNumber < 1 || dbNumber > maxDbNumber) return fail(`data block number ${dbNumber} in "${input}" is out of range; expected DB1..DB${maxDbNumber}`);
  const byteOffset = Number(offsetText);
  if (byteOffset > maxByteOffset) return fail(`byte offset ${byteOffset} in "${input}" is out of range; expected 0..${maxByteOffset}`);

  const upper = typeText.toUpperCase();
  const unsupported = unsupportedTypes[upper];
  if (unsupported) return fail(`type ${upper} in "${input}" is not supported: ${unsupported}`);
  const type = isType(upper) ? upper : aliases[upper];
  if (!type) return fail(`type "${typeText}" in "${input}" is not an S7 data type; expected one of ${typeList}`);

  const parts = suffix === '' ? [] : suffix.slice(1).split('.').map(Number);
  const shape = shapes[type];
  if (parts.length < shape.min || parts.length > shape.max) return fail(`"${input}" does not fit type ${type}: expected ${shape.form} such as "${shape.example}"`);

  let bitOffset = 0;
  let stringLength = 0;
  let count = 1;
  if (type === 'X') {
    bitOffset = parts[0]!;
    if (bitOffset > 7) return fail(`bit ${bitOffset} in "${input}" is out of range; a byte has bits 0..7, e.g. "DB1,X2.7"`);
    count = parts[1] ?? 1;
  } else if (type === 'STRING') {
    stringLength = parts[0]!;
    if (stringLength < 1 || stringLength > maxStringLength) {
      return fail(`string length ${stringLength} in "${input}" is out of range; an S7 STRING holds 1..${maxStringLength} characters`);
    }
    count = parts[1] ?? 1;
  } else {
    count = parts[0] ?? 1;
  }
  if (count < 1) return fail(`array length ${count} in "${input}" must be at least 1`);

  const fields = { dbNumber, type, byteOffset, bitOffset, count, stringLength };
  const endByte = type === 'X'
    ? byteOffset + Math.ceil((bitOffset + count) / 8)
    : byteOffset + elementBytes(fields) * count;
  if (endByte - 1 > maxByteOffset) return fail(`"${input}" ends at byte ${endByte - 1}, past the largest DB offset ${maxByteOffset}`);
  return { ok: true, address: { ...fields, text: formatS7Address(fields) } };
}

interface Shape { min: number; max: number; form: string; example: string }

/** How many ".n" parts each type takes after the byte offset. */
const numericShape = (type: string): Shape => ({ min: 0, max: 1, form: `DB<n>,${type}<offset>[.<count>]`, example: `DB1,${type}4` });
const shapes: Readonly<Record<S7DataType, Shape>> = {
  X: { min: 1, max: 2, form: 'DB<n>,X<byte>.<bit>[.<count>]', example: 'DB1,X2.1' },
  STRING: { min: 1, max: 2, form: 'DB<n>,S<byte>.<max length>[.<count>]', example: 'DB3,S10.20' },
  BYTE: numericShape('BYTE'),
  CHAR: numericShape('CHAR'),
  WORD: numericShape('WORD'),
  INT: numericShape('INT'),
  DWORD: numericShape('DWORD'),
  DINT: numericShape('DINT'),
  REAL: numericShape('REAL'),
  LREAL: numericShape('LREAL'),
};

/**
 * The scalar addresses of an array address, in order (a scalar returns itself). A CHAR array
 * stays whole: it is text. Bits continue into the next byte after bit 7.
 */
export function elementsOf(address: S7Address): S7Address[] {
  if (address.count === 1 || address.type === 'CHAR') return [address];
  return Array.from({ length: address.count }, (_, i) => {
    const fields = address.type === 'X'
      ? { ...address, byteOffset: address.byteOffset + ((address.bitOffset + i) >> 3), bitOffset: (address.bitOffset + i) & 7, count: 1 }
      : { ...address, byteOffset: address.byteOffset + i * elementBytes(address), count: 1 };
    return { ...fields, text: formatS7Address(fields) };
  });
}
