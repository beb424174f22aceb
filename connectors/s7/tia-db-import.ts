/**
 * Imports tags from a TIA Portal (or STEP 7 classic) data block source export ("Generate
 * source from blocks", *.db) of a NON-optimized block, and computes each member's absolute
 * address. Optimized blocks have no fixed offsets, so PUT/GET cannot address them.
 *
 * Layout of standard-access blocks (S7-300/400, and S7-1200/1500 with optimized access off):
 * - BOOLs take one bit each, packed from bit 0 of the current byte;
 * - any other member after BOOLs starts at the next byte;
 * - BYTE, CHAR, SINT, USINT start on any byte; every other type, STRING, ARRAY and STRUCT
 *   starts on an even byte;
 * - STRUCTs and ARRAYs occupy an even number of bytes (padded at the end).
 */
import { formatS7Address, type S7DataType } from './s7-address.ts';

export interface ImportedTag {
  /** Member path as TIA shows it, e.g. "Machine[1].ShotCounter". */
  name: string;
  /** nodes7 address, e.g. "DB1,DINT4". */
  address: string;
  /** The S7 type of the address. */
  type: S7DataType;
  /** The declared TIA type, e.g. "DInt", "String[16]". */
  declaredType: string;
}

export interface SkippedMember {
  name: string;
  declaredType: string;
  reason: string;
}

export type TiaImportResult =
  | { ok: true; blockName: string; dbNumber: number; sizeBytes: number; tags: ImportedTag[]; skipped: SkippedMember[] }
  | { ok: false; error: string };

export interface TiaImportOptions {
  /** The DB number; TIA sources name the block but not its number (see the block's properties). */
  dbNumber?: number;
}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'punct' | 'eof';
interface Token { kind: TokenKind; text: string; line: number }

const punctuation = [':=', '..', ':', ';', ',', '[', ']', '{', '}', '(', ')', '.', '#', '-', '+', '='];

export function tokenizeDbSource(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (what: string) => { throw new ImportError(`line ${line}: ${what}`); };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') { line++; i++; continue; }
    if (/\s/.test(ch)) { i++; continue; }
    if (source.startsWith('//', i)) { while (i < source.length && source[i] !== '\n') i++; continue; }
    if (source.startsWith('(*', i)) {
      const end = source.indexOf('*)', i + 2);
      if (end < 0) fail('a "(*" comment is never closed with "*)"');
      line += countLines(source.slice(i, end));
      i = end + 2;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) fail(`a ${ch === '"' ? 'quoted name' : 'string'} is never closed with ${ch}`);
      tokens.push({ kind: ch === '"' ? 'quoted' : 'string', text: source.slice(i + 1, end), line });
      line += countLines(source.slice(i, end));
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 256));
    if (word) { tokens.push({ kind: 'ident', text: word[0], line }); i += word[0].length; continue; }
    const num = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(i, i + 64));
    // "1..3": the range dots are not a decimal point.
    if (num) {
      const text = /^\d+\.\./.test(source.slice(i, i + 64)) ? /^\d+/.exec(num[0])![0] : num[0];
      tokens.push({ kind: 'number', text, line });
      i += text.length;
      continue;
    }
    const p = punctuation.find((q) => source.startsWith(q, i));
    if (p) { tokens.push({ kind: 'punct', text: p, line }); i += p.length; continue; }
    // Anything else (e.g. "%" or "@" inside an initial value) is skipped with that value.
    tokens.push({ kind: 'punct', text: ch, line });
    i++;
  }
  tokens.push({ kind: 'eof', text: '', line });
  return tokens;
}

const countLines = (s: string) => s.split('\n').length - 1;

class ImportError extends Error {}

// ---------------------------------------------------------------------------------------------
// Declarations

type TypeDecl =
  | { kind: 'elementary'; name: string; text: string }
  | { kind: 'string'; length: number; text: string }
  | { kind: 'array'; low: number; high: number; of: TypeDecl; text: string }
  | { kind: 'struct'; members: Member[]; text: string }
  | { kind: 'unsupported'; text: string; reason: string; line: number };

interface Member { name: string; type: TypeDecl }

interface BlockDecl { name: string; numberInHeader: number | undefined; attributes: Record<string, string>; members: Member[] }

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token { return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!; }
  private next(): Token { const t = this.peek(); if (t.kind !== 'eof') this.pos++; return t; }
  private is(text: string, offset = 0): boolean { return this.peek(offset).text.toUpperCase() === text; }
  private fail(expected: string): never {
    const t = this.peek();
    throw new ImportError(`line ${t.line}: expected ${expected}, found ${t.kind === 'eof' ? 'the end of the source' : `"${t.text}"`}`);
  }
  private expect(text: string): Token { if (!this.is(text)) this.fail(`"${text}"`); return this.next(); }
  private optional(text: string): boolean { if (this.is(text)) { this.next(); return true; } return false; }

  block(): BlockDecl {
    while (!this.is('DATA_BLOCK')) { if (this.peek().kind === 'eof') this.fail('DATA_BLOCK'); this.next(); }
    this.next();
    let name: string;
    let numberInHeader: number | undefined;
    const head = this.next();
    if (head.kind === 'quoted') name = head.text;
    else if (head.kind === 'ident' && /^DB\d*$/i.test(head.text)) {
      // STEP 7 classic: "DATA_BLOCK DB 2" or "DATA_BLOCK DB2"
      const digits = head.text.slice(2) || (this.peek().kind === 'number' ? this.next().text : '');
      if (!digits) this.fail('a DB number after "DB"');
      numberInHeader = Number(digits);
      name = `DB${numberInHeader}`;
    } else this.fail('the block name, e.g. DATA_BLOCK "IMM_Data"');
    if (this.peek().kind === 'quoted') {
      throw new ImportError(`line ${this.peek().line}: the block is an instance of the type "${this.peek().text}"; export the PLC data type too or declare the members in the DB`);
    }
    const attributes: Record<string, string> = {};
    // Header: attributes, TITLE, AUTHOR, FAMILY, NAME, VERSION, NON_RETAIN... up to STRUCT or VAR.
    while (!this.is('STRUCT') && !this.is('VAR')) {
      if (this.peek().kind === 'eof') this.fail('STRUCT or VAR (the member declarations)');
      if (this.is('{')) Object.assign(attributes, this.attributeBlock());
      else this.next();
    }
    let members: Member[];
    if (this.optional('STRUCT')) {
      members = this.members('END_STRUCT');
    } else {
      this.expect('VAR');
      members = this.members('END_VAR');
    }
    this.optional(';');
    return { name, numberInHeader, attributes, members };
  }

  private attributeBlock(): Record<string, string> {
    const attributes: Record<string, string> = {};
    this.expect('{');
    while (!this.is('}')) {
      const key = this.next();
      if (key.kind === 'eof') this.fail('"}"');
      if (this.optional(':=')) attributes[key.text] = this.next().text;
      else this.optional(';');
    }
    this.expect('}');
    return attributes;
  }

  private members(end: 'END_STRUCT' | 'END_VAR'): Member[] {
    const members: Member[] = [];
    while (!this.optional(end)) {
      const nameToken = this.next();
      if (nameToken.kind !== 'ident' && nameToken.kind !== 'quoted') this.fail(`a member name or ${end}`);
      if (this.is('{')) this.attributeBlock();
      this.expect(':');
      const type = this.type();
      if (this.optional(':=')) this.skipInitialValue();
      this.expect(';');
      members.push({ name: nameToken.text, type });
    }
    return members;
  }

  private skipInitialValue(): void {
    let depth = 0;
    while (depth > 0 || !this.is(';')) {
      const t = this.next();
      if (t.kind === 'eof') this.fail('";" after the initial value');
      if (t.text === '(' || t.text === '[') depth++;
      if (t.text === ')' || t.text === ']') depth--;
    }
  }

  private type(): TypeDecl {
    const t = this.next();
    const upper = t.text.toUpperCase();
    if (t.kind === 'quoted') {
      return { kind: 'unsupported', text: `"${t.text}"`, reason: `PLC data type "${t.text}" is not in this source; its size is unknown, so no member after it can be placed`, line: t.line };
    }
    if (t.kind !== 'ident') this.fail('a data type');
    if (upper === 'STRUCT') {
      const members = this.members('END_STRUCT');
      return { kind: 'struct', members, text: 'Struct' };
    }
    if (upper === 'ARRAY') {
      this.expect('[');
      const low = this.signedInt();
      this.expect('..');
      const high = this.signedInt();
      if (this.is(',')) throw new ImportError(`line ${t.line}: multi-dimensional arrays are not supported yet; declare Array[${low}..${high}] of Array[...]`);
      this.expect(']');
      if (high < low) throw new ImportError(`line ${t.line}: Array[${low}..${high}] has its bounds the wrong way round`);
      this.expect('OF');
      const of = this.type();
      return { kind: 'array', low, high, of, text: `Array[${low}..${high}] of ${of.text}` };
    }
    if (upper === 'STRING') {
      let length = 254;
      if (this.optional('[')) {
        const n = this.next();
        if (n.kind !== 'number') throw new ImportError(`line ${n.line}: String[${n.text}]: the length must be a number (a constant name cannot be resolved here)`);
        length = Number(n.text);
        this.expect(']');
      }
      return { kind: 'string', length, text: `String[${length}]` };
    }
    return { kind: 'elementary', name: upper, text: t.text };
  }

  private signedInt(): number {
    const negative = this.optional('-');
    const n = this.next();
    if (n.kind !== 'number' || !/^\d+$/.test(n.text)) throw new ImportError(`line ${n.line}: expected an integer array bound, found "${n.text}"`);
    return negative ? -Number(n.text) : Number(n.text);
  }
}

// ---------------------------------------------------------------------------------------------
// Layout

interface ElementaryLayout {
  bytes: number;
  /** 1 = any byte, 2 = even byte. */
  align: 1 | 2;
  /** The nodes7 type that reads it, or why it is skipped. */
  s7: S7DataType | { skip: string };
}

/** Sizes of IEC 61131-3 / Siemens elementary types in standard-access blocks. */
const elementaryLayouts: Readonly<Record<string, ElementaryLayout>> = {
  BYTE: { bytes: 1, align: 1, s7: 'BYTE' },
  USINT: { bytes: 1, align: 1, s7: 'BYTE' },
  CHAR: { bytes: 1, align: 1, s7: 'CHAR' },
  SINT: { bytes: 1, align: 1, s7: { skip: 'nodes7 reads no signed 8-bit type; read it as BYTE and convert' } },
  WORD: { bytes: 2, align: 2, s7: 'WORD' },
  UINT: { bytes: 2, align: 2, s7: 'WORD' },
  INT: { bytes: 2, align: 2, s7: 'INT' },
  DWORD: { bytes: 4, align: 2, s7: 'DWORD' },
  UDINT: { bytes: 4, align: 2, s7: 'DWORD' },
  DINT: { bytes: 4, align: 2, s7: 'DINT' },
  TIME: { bytes: 4, align: 2, s7: 'DINT' },
  REAL: { bytes: 4, align: 2, s7: 'REAL' },
  LREAL: { bytes: 8, align: 2, s7: 'LREAL' },
  WCHAR: { bytes: 2, align: 2, s7: { skip: 'nodes7 does not decode WCHAR' } },
  S5TIME: { bytes: 2, align: 2, s7: { skip: 'S5TIME is BCD-coded; nodes7 does not decode it' } },
  DATE: { bytes: 2, align: 2, s7: { skip: 'DATE is not decoded yet; read it as WORD (days since 1990-01-01)' } },
  TIME_OF_DAY: { bytes: 4, align: 2, s7: { skip: 'TIME_OF_DAY is not decoded yet; read it as DWORD (ms since midnight)' } },
  TOD: { bytes: 4, align: 2, s7: { skip: 'TOD is not decoded yet; read it as DWORD (ms since midnight)' } },
  DATE_AND_TIME: { bytes: 8, align: 2, s7: { skip: 'date/time values are not scalar tag values yet' } },
  DT: { bytes: 8, align: 2, s7: { skip: 'date/time values are not scalar tag values yet' } },
  DTL: { bytes: 12, align: 2, s7: { skip: 'date/time values are not scalar tag values yet' } },
  LINT: { bytes: 8, align: 2, s7: { skip: 'nodes7 0.3.18 does not decode LINT' } },
  ULINT: { bytes: 8, align: 2, s7: { skip: 'nodes7 0.3.18 does not decode ULINT' } },
  LWORD: { bytes: 8, align: 2, s7: { skip: 'nodes7 0.3.18 does not decode LWORD' } },
  LTIME: { bytes: 8, align: 2, s7: { skip: 'nodes7 0.3.18 does not decode LTIME' } },
};

class Layout {
  byte = 0;
  bit = 0;
  readonly tags: ImportedTag[] = [];
  readonly skipped: SkippedMember[] = [];
  constructor(private readonly dbNumber: number) {}

  /** A non-BOOL member after BOOLs starts at the next byte. */
  private closeBits(): void {
    if (this.bit > 0) { this.byte++; this.bit = 0; }
  }
  private alignEven(): void {
    this.closeBits();
    if (this.byte % 2 === 1) this.byte++;
  }
  private emit(name: string, declaredType: string, fields: { type: S7DataType; byteOffset: number; bitOffset?: number; stringLength?: number }): void {
    const address = formatS7Address({ dbNumber: this.dbNumber, count: 1, bitOffset: 0, stringLength: 0, ...fields });
    this.tags.push({ name, address, type: fields.type, declaredType });
  }

  place(name: string, type: TypeDecl): void {
    placers[type.kind](this, name, type as never);
  }

  bool(name: string, declaredType: string): void {
    this.emit(name, declaredType, { type: 'X', byteOffset: this.byte, bitOffset: this.bit });
    this.bit++;
    if (this.bit === 8) { this.byte++; this.bit = 0; }
  }

  elementary(name: string, decl: Extract<TypeDecl, { kind: 'elementary' }>): void {
    if (decl.name === 'BOOL') return this.bool(name, decl.text);
    const layout = elementaryLayouts[decl.name];
    if (!layout) throw new ImportError(`member "${name}" has type ${decl.text}, whose size is not known here; no member after it can be placed`);
    if (layout.align === 2) this.alignEven(); else this.closeBits();
    if (typeof layout.s7 === 'string') this.emit(name, decl.text, { type: layout.s7, byteOffset: this.byte });
    else this.skipped.push({ name, declaredType: decl.text, reason: layout.s7.skip });
    this.byte += layout.bytes;
  }

  string(name: string, decl: Extract<TypeDecl, { kind: 'string' }>): void {
    this.alignEven();
    this.emit(name, decl.text, { type: 'STRING', byteOffset: this.byte, stringLength: decl.length });
    this.byte += decl.length + 2;
  }

  struct(name: string, decl: Extract<TypeDecl, { kind: 'struct' }>): void {
    this.alignEven();
    const start = this.byte;
    for (const member of decl.members) this.place(`${name}.${member.name}`, member.type);
    this.alignEven();
    // An empty struct still occupies a word.
    if (this.byte === start) this.byte += 2;
  }

  array(name: string, decl: Extract<TypeDecl, { kind: 'array' }>): void {
    this.alignEven();
    const start = this.byte;
    for (let i = decl.low; i <= decl.high; i++) this.place(`${name}[${i}]`, decl.of);
    this.alignEven();
    if (this.byte === start) this.byte += 2;
  }

  unsupported(name: string, decl: Extract<TypeDecl, { kind: 'unsupported' }>): void {
    throw new ImportError(`line ${decl.line}: member "${name}": ${decl.reason}`);
  }
}

const placers: { [K in TypeDecl['kind']]: (layout: Layout, name: string, decl: Extract<TypeDecl, { kind: K }>) => void } = {
  elementary: (l, n, d) => l.elementary(n, d),
  string: (l, n, d) => l.string(n, d),
  struct: (l, n, d) => l.struct(n, d),
  array: (l, n, d) => l.array(n, d),
  unsupported: (l, n, d) => l.unsupported(n, d),
};

const optimizedHelp =
  'it uses optimized block access, so its members have no fixed byte offsets and PUT/GET (nodes7) cannot address them. ' +
  'Either switch the DB to standard access (TIA Portal: block properties > Attributes > untick "Optimized block access"; ' +
  'allow "Permit access with PUT/GET communication" in the CPU protection settings) and download it, ' +
  'or read it by symbol through the CPU\'s OPC UA server (S7-1500 / S7-1200 V4.4+) with the OPC UA connector.';

/** Parses a DB source and lays out its members. Never throws: problems come back as `{ ok: false, error }`. */
export function importTiaDbSource(source: string, opts: TiaImportOptions = {}): TiaImportResult {
  try {
    const block = new Parser(tokenizeDbSource(source)).block();
    const optimized = Object.entries(block.attributes).find(([k]) => k.toLowerCase() === 's7_optimized_access')?.[1];
    if (optimized?.toUpperCase() === 'TRUE') return { ok: false, error: `Cannot import DB "${block.name}": ${optimizedHelp}` };
    if (opts.dbNumber !== undefined && block.numberInHeader !== undefined && opts.dbNumber !== block.numberInHeader) {
      return { ok: false, error: `Cannot import DB "${block.name}": the source declares DB${block.numberInHeader} but dbNumber ${opts.dbNumber} was given; drop one or make them agree` };
    }
    const dbNumber = opts.dbNumber ?? block.numberInHeader;
    if (dbNumber === undefined) {
      return { ok: false, error: `Cannot import DB "${block.name}": the source names the block but not its number; pass dbNumber (TIA Portal shows it in the block's properties)` };
    }
    if (!Number.isInteger(dbNumber) || dbNumber < 1 || dbNumber > 65535) return { ok: false, error: `DB number ${dbNumber} is out of range 1..65535` };
    const layout = new Layout(dbNumber);
    for (const member of block.members) layout.place(member.name, member.type);
    // The block itself, like a struct, ends on an even byte.
    const sizeBytes = layout.byte + (layout.bit > 0 ? 1 : 0);
    return { ok: true, blockName: block.name, dbNumber, sizeBytes: sizeBytes + (sizeBytes % 2), tags: layout.tags, skipped: layout.skipped };
  } catch (err) {
    if (err instanceof ImportError) return { ok: false, error: `Cannot import the DB source: ${err.message}` };
    throw err;
  }
}
