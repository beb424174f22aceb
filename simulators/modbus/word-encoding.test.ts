import { describe, expect, it } from 'vitest';
import { float32WordsABCD, float64WordsABCD, int16Word, uint16Word, uint32WordsABCD, uint32WordsCDAB, wordToInt16 } from './word-encoding.ts';

describe('simulator word encoding', () => {
  it('writes int16 as two\'s complement and saturates', () => {
    expect([0, -1, -37, 32767, -32768, 40000, -40000].map(int16Word)).toEqual([0, 0xffff, 0xffdb, 0x7fff, 0x8000, 0x7fff, 0x8000]);
    expect([0xffdb, 0x7fff, 0x8000].map(wordToInt16)).toEqual([-37, 32767, -32768]);
    expect([-5, 655.4, 70000].map(uint16Word)).toEqual([0, 655, 0xffff]);
  });

  it('writes 32/64-bit values in the documented word orders', () => {
    expect(uint32WordsABCD(0x12345678)).toEqual([0x1234, 0x5678]);
    expect(uint32WordsCDAB(0x12345678)).toEqual([0x5678, 0x1234]);
    expect(float32WordsABCD(4.25)).toEqual([0x4088, 0x0000]);
    expect(float64WordsABCD(Math.PI)).toEqual([0x4009, 0x21fb, 0x5444, 0x2d18]);
  });
});
