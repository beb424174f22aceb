/**
 * The GS1 parser: the forms scanners send, codes shaped like real labels, the errors an operator
 * sees, check digit vectors published with GS1 and EAN/UPC examples, the century window, and
 * properties: any valid element list survives formatGs1 -> parseGs1 in both forms, and no input
 * at all (random text, any Unicode, mutated codes) makes the parser throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatGs1, gs1CheckDigit, gs1Date, parseGs1, type Gs1Element, type Gs1Result } from './gs1.ts';
import { GS, gs1AiSpecs, hasPredefinedLength } from './gs1-ai-table.ts';

/** 2025-11-24 12:00 UTC. */
const NOW = Date.UTC(2025, 10, 24, 12);
const parse = (code: string): Gs1Result => parseGs1(code, { now: NOW });

function ok(code: string): Extract<Gs1Result, { ok: true }> {
  const result = parse(code);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(code)} to parse, got: ${result.message}`);
  return result;
}
function failure(code: string): Extract<Gs1Result, { ok: false }> {
  const result = parse(code);
  if (result.ok) throw new Error(`expected ${JSON.stringify(code)} to fail, got ${JSON.stringify(result)}`);
  return result;
}

describe('parseGs1: the forms a scanner sends', () => {
  it('reads the bracketed human-readable form', () => {
    expect(ok('(01)09506000134352(17)261231(10)ABC123')).toEqual({
      ok: true,
      elements: [{ ai: '01', value: '09506000134352' }, { ai: '17', value: '261231' }, { ai: '10', value: 'ABC123' }],
      gtin: '09506000134352', expiry: '2026-12-31', batch: 'ABC123',
    });
  });

  it('reads a raw GS1-128 string with its ]C1 identifier and GS after variable-length values', () => {
    const result = ok(`]C1010950600013435210ABC123${GS}17261231`);
    expect(result).toMatchObject({ symbology: 'gs1-128', gtin: '09506000134352', batch: 'ABC123', expiry: '2026-12-31' });
  });

  it('names the symbology of each GS1 identifier', () => {
    const body = '010950600013435217261231';
    expect(ok(`]C1${body}`).symbology).toBe('gs1-128');
    expect(ok(`]d2${body}`).symbology).toBe('gs1-datamatrix');
    expect(ok(`]Q3${body}`).symbology).toBe('gs1-qr');
    expect(ok(`]e0${body}`).symbology).toBe('gs1-databar');
    expect(ok(body).symbology).toBeUndefined();
  });

  it('takes a leading GS as FNC1 in first position', () => {
    expect(ok(`${GS}010950600013435210LOT7${GS}3712`)).toMatchObject({ gtin: '09506000134352', batch: 'LOT7', qty: 12 });
  });

  it('reads a bare GTIN-8, -12, -13 and -14 as the item code padded to 14 digits', () => {
    expect(ok('96385074')).toEqual({ ok: true, elements: [{ ai: '01', value: '00000096385074' }], gtin: '00000096385074' });
    expect(ok('036000291452').gtin).toBe('00036000291452');
    expect(ok('4006381333931').gtin).toBe('04006381333931');
    expect(ok('09506000134352').gtin).toBe('09506000134352');
  });

  it('reads an EAN/UPC symbol sent with its ]E0 identifier as a bare GTIN', () => {
    expect(ok(']E04006381333931').gtin).toBe('04006381333931');
  });

  it('ignores the CR/LF a keyboard-wedge scanner appends', () => {
    expect(ok(']d2010950600013435217261231\r\n').expiry).toBe('2026-12-31');
  });
});

describe('parseGs1: codes shaped like real labels', () => {
  const cases: Array<[string, string, Partial<Extract<Gs1Result, { ok: true }>>]> = [
    ['EU FMD medicine pack (DataMatrix: GTIN, expiry, batch, serial)', `]d201095060001343521727053110A1B2C3${GS}21PK7Q4XZ29M`,
      { symbology: 'gs1-datamatrix', gtin: '09506000134352', expiry: '2027-05-31', batch: 'A1B2C3', serial: 'PK7Q4XZ29M' }],
    ['pallet SSCC label', ']C100106141412345678908', { symbology: 'gs1-128', sscc: '106141412345678908' }],
    ['carton label: contained GTIN, best before, count, batch', `]C10205012345678900152606303724${GS}10LOT42`,
      { gtin: '05012345678900', bestBefore: '2026-06-30', qty: 24, batch: 'LOT42' }],
    ['variable-weight meat: net weight 1.250 kg, pack date, batch', ']C1010950600013435231030012501326011510B-778',
      { gtin: '09506000134352', batch: 'B-778' }],
    ['fresh produce on GS1 DataBar Expanded', ']e00109506000134352310200035015260210',
      { symbology: 'gs1-databar', gtin: '09506000134352', bestBefore: '2026-02-10' }],
    ['keyed with spaces between the elements', '(01) 09506000134352 (17) 261231 (10) ABC123', { gtin: '09506000134352', expiry: '2026-12-31', batch: 'ABC123' }],
    ['medical device UDI with a serial holding / and -', '(01)00012345600012(11)250101(17)300101(21)SN-0001/A',
      { gtin: '00012345600012', expiry: '2030-01-01', serial: 'SN-0001/A' }],
    ['despatch label: SSCC, ship-to GLN, purchase order', `]C1001061414123456789084109501101020917400PO-2025-118`,
      { sscc: '106141412345678908' }],
    ['variable count of units', '(01)09506000134352(30)144', { qty: 144 }],
    ['best before given as month only (DD = 00)', '(01)09506000134352(15)260200(10)X1', { bestBefore: '2026-02-28' }],
    ['expiry in a leap February', '(01)09506000134352(17)280229', { expiry: '2028-02-29' }],
    ['batch holding brackets, escaped as the syntax engine writes it', '(01)09506000134352(10)AB\\(2)C(17)261231', { batch: 'AB(2)C', expiry: '2026-12-31' }],
    ['the same AI twice with the same value', '(01)09506000134352(10)L1(10)L1', { batch: 'L1' }],
  ];
  it.each(cases)('%s', (_name, code, expected) => {
    expect(ok(code)).toMatchObject(expected);
  });

  it('keeps the measure and GLN elements in order', () => {
    expect(ok(']C1010950600013435231030012501326011510B-778').elements).toEqual([
      { ai: '01', value: '09506000134352' }, { ai: '3103', value: '001250' }, { ai: '13', value: '260115' }, { ai: '10', value: 'B-778' },
    ]);
    expect(ok(']C1001061414123456789084109501101020917400PO-2025-118').elements.map((e) => e.ai)).toEqual(['00', '410', '400']);
  });
});

describe('parseGs1: errors name the problem and the fix', () => {
  it('a wrong GTIN check digit', () => {
    expect(failure('(01)09506000134353(17)261231').message)
      .toBe('GTIN 09506000134353 has check digit 3; expected 2 - rescan the label or key the code in');
  });

  it('a month that does not exist', () => {
    const result = failure('(01)09506000134352(17)261332');
    expect(result.message).toMatch(/^\(17\) 261332: month 13 does not exist; .*key the code in/);
    expect(result.position).toBe(18);
  });

  it('a day that does not exist in that month', () => {
    expect(failure('(17)250229').message).toMatch(/^\(17\) 250229: day 29 does not exist in February 2025/);
    expect(failure('(15)260431').message).toMatch(/day 31 does not exist in April 2026/);
  });

  it('an unknown AI, with its position', () => {
    expect(failure('(01)09506000134352(99)12').message).toMatch(/^unknown AI \(99\) at position 18; the gateway reads .*\(17\)/);
    expect(failure(']C1010950600013435299ABC')).toMatchObject({ message: expect.stringMatching(/^unknown AI \(99\) at position 19/), position: 19 });
    expect(failure(']C10109506000134352723412').message).toMatch(/^unknown AI \(7234\)/);
  });

  it('a batch over 20 characters', () => {
    expect(failure('(10)ABCDEFGHIJKLMNOPQRSTUVW').message).toMatch(/^\(10\) is 23 characters; at most 20/);
  });

  it('a raw variable-length value too long, hinting at a missing GS', () => {
    expect(failure(']C1010950600013435210ABCDEFGHIJ21SERIAL0001').message).toMatch(/^\(10\) is 22 characters; at most 20 - a GS separator may be missing/);
  });

  it('a duplicate AI with a different value', () => {
    expect(failure('(01)09506000134352(10)L1(10)L2').message).toMatch(/^\(10\) appears twice with different values L1 and L2/);
  });

  it('a truncated GTIN', () => {
    expect(failure(']C1010950600013435').message).toMatch(/^\(01\) is 13 digits; expected 14/);
  });

  it('a character outside GS1 character set 82', () => {
    expect(failure('(10)AB C').message).toMatch(/^\(10\) AB C has ' ' \(U\+0020\), which is not in GS1 character set 82/);
    expect(failure('(21)批次1').message).toMatch(/has '批' \(U\+6279\)/);
  });

  it('letters in a numeric AI', () => {
    expect(failure('(37)12A').message).toMatch(/^\(37\) 12A must be digits only/);
  });

  it('wrong SSCC and GLN check digits', () => {
    expect(failure('(00)106141412345678909').message).toMatch(/^SSCC 106141412345678909 has check digit 9; expected 8/);
    expect(failure('(01)09506000134352(414)9501101020918').message).toMatch(/^\(414\) GLN 9501101020918 has check digit 8; expected 7/);
  });

  it('a bare GTIN with a wrong check digit', () => {
    expect(failure('4006381333932').message).toBe('GTIN 4006381333932 has check digit 2; expected 1 - rescan the label or key the code in');
  });

  it('text that is no GS1 code at all, a non-GS1 symbology, an empty code, a value-less AI', () => {
    expect(failure('https://example.com/01/09506000134352').message).toMatch(/is not a GS1 code: expected \(AI\)value/);
    expect(failure(']C0ABC').message).toMatch(/symbology identifier \]C0 carries no GS1 element string/);
    expect(failure('  ').message).toMatch(/the code is empty/);
    expect(failure('(10)(17)261231').message).toMatch(/^\(10\) has no value/);
    expect(failure('(1)23').message).toMatch(/expected an AI in brackets such as \(01\) at position 0/);
  });

  it('shows control characters in messages instead of sending them to the device', () => {
    const message = failure(`]C101095060001343521${GS}${GS}\x07`).message;
    expect(message).not.toMatch(/[\x00-\x1f]/);
  });

  it('answers a non-string with a message', () => {
    expect(parseGs1(42 as unknown as string)).toMatchObject({ ok: false, message: expect.stringMatching(/not text/) });
  });
});

describe('gs1CheckDigit', () => {
  it.each([
    ['09506000134352', 'GTIN-14, GS1 example'], ['4006381333931', 'EAN-13'], ['036000291452', 'UPC-A'], ['96385074', 'EAN-8'],
    ['73513537', 'EAN-8'], ['9780306406157', 'ISBN-13 as EAN-13'], ['5012345678900', 'EAN-13'], ['106141412345678908', 'SSCC, GS1 example'],
    ['9501101020917', 'GLN'], ['00012345600012', 'GTIN-14'],
  ])('computes the check digit of %s (%s)', (code) => {
    expect(gs1CheckDigit(code.slice(0, -1))).toBe(Number(code.slice(-1)));
  });

  it('refuses anything but digits', () => {
    expect(() => gs1CheckDigit('12a')).toThrow(RangeError);
    expect(() => gs1CheckDigit('')).toThrow(RangeError);
  });
});

describe('gs1Date: the century window of GS1 General Specifications §7.12', () => {
  const at = (year: number): number => Date.UTC(year, 5, 1);
  it('places a year up to 50 ahead in this century and 51 or more ahead in the last', () => {
    expect(gs1Date('751231', at(2025))).toEqual({ iso: '2075-12-31' });
    expect(gs1Date('761231', at(2025))).toEqual({ iso: '1976-12-31' });
    expect(gs1Date('990101', at(2025))).toEqual({ iso: '1999-01-01' });
  });
  it('places a year 50 or more behind in the next century', () => {
    expect(gs1Date('000101', at(2049))).toEqual({ iso: '2000-01-01' });
    expect(gs1Date('000101', at(2050))).toEqual({ iso: '2100-01-01' });
    expect(gs1Date('020101', at(2098))).toEqual({ iso: '2102-01-01' });
  });
  it('reads DD = 00 as the last day of the month, leap years included', () => {
    expect(gs1Date('240200', at(2025))).toEqual({ iso: '2024-02-29' });
    expect(gs1Date('250200', at(2025))).toEqual({ iso: '2025-02-28' });
    expect(gs1Date('251100', at(2025))).toEqual({ iso: '2025-11-30' });
  });
  it('uses the current time when no `now` is given', () => {
    const yy = String(new Date().getUTCFullYear() % 100).padStart(2, '0');
    expect(parseGs1(`(17)${yy}0101`)).toMatchObject({ ok: true, expiry: `${new Date().getUTCFullYear()}-01-01` });
  });
});

describe('formatGs1', () => {
  const elements: Gs1Element[] = [
    { ai: '01', value: '09506000134352' }, { ai: '10', value: 'A(1)' }, { ai: '3103', value: '001250' }, { ai: '21', value: 'S9' },
  ];
  it('writes the bracketed form, escaping ( inside values', () => {
    expect(formatGs1(elements, 'bracketed')).toBe('(01)09506000134352(10)A\\(1)(3103)001250(21)S9');
  });
  it('writes the raw form with GS only after variable-length values that are not last', () => {
    expect(formatGs1(elements, 'raw')).toBe(`010950600013435210A(1)${GS}310300125021S9`);
  });
});

// ---- properties ----

const digits = (length: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
const withCheckDigit = (length: number): fc.Arbitrary<string> => digits(length - 1).map((body) => `${body}${gs1CheckDigit(body)}`);
const cs82 = [...'!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'];
const text = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...cs82), minLength: 1, maxLength });
const date = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 28 }))
  .map(([yy, mm, dd]) => [yy, mm, dd].map((n) => String(n).padStart(2, '0')).join(''));

function valueOf(ai: string): fc.Arbitrary<string> {
  const spec = gs1AiSpecs.get(ai)!;
  switch (spec.kind) {
    case 'sscc': case 'gtin': case 'gln': return withCheckDigit(spec.maxLength);
    case 'date': return date;
    case 'measure': return digits(6);
    case 'count': return fc.integer({ min: 1, max: 8 }).chain(digits);
    case 'text': return text(spec.maxLength);
  }
}

const elementList: fc.Arbitrary<Gs1Element[]> = fc.uniqueArray(fc.constantFrom(...gs1AiSpecs.keys()), { minLength: 1, maxLength: 8 })
  .chain((ais) => fc.tuple(...ais.map((ai) => valueOf(ai).map((value) => ({ ai, value })))));

const expectSameElements = (code: string, elements: Gs1Element[]): void => {
  const result = parse(code);
  expect(result, code).toMatchObject({ ok: true, elements });
  if (!result.ok) return;
  const first = (ai: string): string | undefined => elements.find((e) => e.ai === ai)?.value;
  expect(result.gtin).toBe(first('01') ?? first('02'));
  expect(result.batch).toBe(first('10'));
  expect(result.serial).toBe(first('21'));
  expect(result.sscc).toBe(first('00'));
};

describe('properties', () => {
  it('a valid element list round-trips through the bracketed form', () => {
    fc.assert(fc.property(elementList, (elements) => expectSameElements(formatGs1(elements, 'bracketed'), elements)), { numRuns: 1000 });
  });

  it('a valid element list round-trips through the raw form, with any GS1 identifier or a leading GS', () => {
    fc.assert(fc.property(elementList, fc.constantFrom(']C1', ']d2', ']Q3', ']e0', GS), (elements, prefix) =>
      expectSameElements(`${prefix}${formatGs1(elements, 'raw')}`, elements)), { numRuns: 1000 });
  });

  it('a raw element string without an identifier parses too, unless it could be a bare GTIN', () => {
    fc.assert(fc.property(elementList, (elements) => {
      const raw = formatGs1(elements, 'raw');
      fc.pre(!(/^\d+$/.test(raw) && [8, 12, 13, 14].includes(raw.length)));
      expectSameElements(raw, elements);
    }), { numRuns: 500 });
  });

  it('the raw form needs no separator after predefined-length values and has one after every other value but the last', () => {
    fc.assert(fc.property(elementList, (elements) => {
      const separators = [...formatGs1(elements, 'raw')].filter((c) => c === GS).length;
      expect(separators).toBe(elements.slice(0, -1).filter((e) => !hasPredefinedLength(e.ai)).length);
    }), { numRuns: 200 });
  });

  const mutated: fc.Arbitrary<string> = fc.tuple(
    elementList,
    fc.constantFrom<'bracketed' | 'raw'>('bracketed', 'raw'),
    fc.array(fc.tuple(fc.constantFrom('delete', 'insert', 'replace', 'truncate', 'duplicate'), fc.nat(), fc.constantFrom(GS, '(', ')', '\\', '0', '9', 'A', ' ', '\r', '\u00e9', '\ud83d\ude00', ']C1', '\ud800')), { minLength: 1, maxLength: 4 }),
  ).map(([elements, form, edits]) => {
    let code = formatGs1(elements, form);
    for (const [edit, at, char] of edits) {
      const i = code.length === 0 ? 0 : at % (code.length + 1);
      if (edit === 'delete') code = code.slice(0, i) + code.slice(i + 1);
      else if (edit === 'insert') code = code.slice(0, i) + char + code.slice(i);
      else if (edit === 'replace') code = code.slice(0, i) + char + code.slice(i + 1);
      else if (edit === 'truncate') code = code.slice(0, i);
      else code = code + code.slice(i);
    }
    return code;
  });

  it('10,000 random, Unicode and mutated codes never throw and always answer ok or a message', () => {
    const answers = (code: string): void => {
      let result: Gs1Result | undefined;
      expect(() => { result = parse(code); }).not.toThrow();
      if (result!.ok) {
        expect(Array.isArray(result!.elements)).toBe(true);
        expect(result!.elements.length).toBeGreaterThan(0);
      } else {
        expect(result!.message.length).toBeGreaterThan(10);
        expect(result!.message).not.toMatch(/[\x00-\x1f]/);
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 80 }), answers), { numRuns: 2500 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), answers), { numRuns: 2500 });
    fc.assert(fc.property(mutated, answers), { numRuns: 5000 });
  });
});
