import { describe, expect, it } from 'vitest';
import { commentText, realLiteral, realOperand, timeLiteral } from './st-literals.ts';
import { stIdentifier, StNameAllocator } from './st-names.ts';

describe('realLiteral', () => {
  it('always writes a decimal point, so the literal is a REAL and not an ANY_INT', () => {
    expect([1247, 0, -0, 1.8, -3.5].map(realLiteral)).toEqual(['1247.0', '0.0', '0.0', '1.8', '-3.5']);
  });

  it('writes tiny and huge numbers with a mantissa that has a point and an E exponent', () => {
    expect(realLiteral(1.5e-7)).toBe('1.5E-7');
    expect(realLiteral(1e21)).toBe('1.0E21');
  });

  it('drops the binary noise of unit conversion', () => {
    expect(realLiteral((46.4 - 32) * 5 / 9)).toBe('8.0');
  });

  it('puts negative operands in parentheses and refuses non-finite numbers', () => {
    expect(realOperand(-2)).toBe('(-2.0)');
    expect(() => realLiteral(Number.NaN)).toThrow(/finite/);
  });
});

describe('timeLiteral', () => {
  it('writes durations canonically, largest unit first, zero parts left out', () => {
    expect([300_000, 5_400_000, 0, 250, 90_061_001, 3 * 86_400_000].map(timeLiteral)).toEqual(['T#5m', 'T#1h30m', 'T#0s', 'T#250ms', 'T#1d1h1m1s1ms', 'T#3d']);
  });
});

describe('commentText', () => {
  it('keeps comments ASCII and unable to end early', () => {
    expect(commentText('8 °C *) 电')).toBe('8 degC * ) <U+7535>');
  });
});

describe('stIdentifier', () => {
  it('makes glossary ids and parameter values into standard identifiers', () => {
    expect(['weld-count G1', 'IMM-01', '__x__', '3d', 'TIME', 'time', '电极帽', ''].map(stIdentifier))
      .toEqual(['WELD_COUNT_G1', 'IMM_01', 'X', 'N_3D', 'TIME_V', 'TIME_V', 'U7535_U6781_U5E3D', 'X']);
  });

  it('hands out each name once, with its companions, case-insensitively', () => {
    const names = new StNameAllocator();
    expect(names.take('temperature-b12', ['_OK'])).toBe('TEMPERATURE_B12');
    expect(names.take('TEMPERATURE_B12_OK')).toBe('TEMPERATURE_B12_OK_2');
    expect(names.take('Temperature B12')).toBe('TEMPERATURE_B12_2');
  });
});
