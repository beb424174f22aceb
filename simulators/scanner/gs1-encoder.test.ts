import { describe, expect, it } from 'vitest';
import { encodeElementString, gs1CheckDigit, gs1Date, gtin14WithCheckDigit, hasValidCheckDigit, toGtin14 } from './gs1-encoder.ts';

describe('GS1 check digits (General Specifications 7.9.1)', () => {
  // Published, scannable codes: an EAN-13 (Stabilo), a UPC-A, an EAN-8 and GS1's own example GTIN-14.
  const known = ['4006381333931', '036000291452', '96385074', '09506000134352', '00012345600012'];

  it.each(known)('computes the check digit of %s', (gtin) => {
    expect(gs1CheckDigit(gtin.slice(0, -1))).toBe(Number(gtin.at(-1)));
    expect(hasValidCheckDigit(gtin)).toBe(true);
  });

  it('refuses a GTIN whose last digit is off by one', () => {
    expect(hasValidCheckDigit('4006381333932')).toBe(false);
    expect(hasValidCheckDigit('09506000134353')).toBe(false);
    expect(hasValidCheckDigit('0950600013435')).toBe(false); // a GTIN-13 must end in its own check digit
    expect(hasValidCheckDigit('12345')).toBe(false);
  });

  it('pads a GTIN-13 to 14 digits without changing its check digit', () => {
    expect(gtin14WithCheckDigit('400638133393')).toBe('04006381333931');
    expect(toGtin14('96385074')).toBe('00000096385074');
    expect(hasValidCheckDigit(toGtin14('036000291452'))).toBe(true);
  });

  it('says what it expected when given something other than digits', () => {
    expect(() => gs1CheckDigit('40063A')).toThrow('expected digits only, found "40063A"');
    expect(() => toGtin14('123')).toThrow('expected a GTIN of 8, 12, 13 or 14 digits');
  });
});

describe('GS1 element strings', () => {
  const label = { gtin: '09506000134352', expiry: '2026-03-31', batch: 'L2403A' };

  it('writes the bracketed human-readable form', () => {
    expect(encodeElementString(label, 'bracketed')).toBe('(01)09506000134352(17)260331(10)L2403A');
    expect(encodeElementString({ ...label, serial: 'S0042', qty: 24 }, 'bracketed')).toBe('(01)09506000134352(17)260331(10)L2403A(21)S0042(30)24');
  });

  it('ends a variable-length element with GS in the raw form, except the last', () => {
    expect(encodeElementString(label, 'raw')).toBe('0109506000134352172603311' + '0L2403A');
    expect(encodeElementString({ ...label, serial: 'S0042', qty: 24 }, 'raw')).toBe('010950600013435217260331' + '10L2403A\x1d21S0042\x1d3024');
    expect(encodeElementString({ gtin: '4006381333931', expiry: '2027-01-09' }, 'raw')).toBe('01040063813339311' + '7270109');
  });

  it('prefixes the AIM symbology identifier when asked', () => {
    expect(encodeElementString(label, 'raw', ']d2')).toBe(']d2010950600013435217260331' + '10L2403A');
  });

  it('writes expiry as YYMMDD and refuses a count that does not fit (30)', () => {
    expect(gs1Date('2031-12-05')).toBe('311205');
    expect(() => gs1Date('5.12.2031')).toThrow('expected YYYY-MM-DD');
    expect(() => encodeElementString({ ...label, qty: 1.5 }, 'raw')).toThrow('(30) count');
  });
});
