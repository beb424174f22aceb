import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.ts';
import { decodeRegisters, encodeEngineering, encodeRegisters, toEngineering, toRaw } from './modbus-codec.ts';
import type { ByteOrder, ModbusDataType } from './modbus-address.ts';

/** Registers built by hand from the value's big-endian bytes A.. and the order's byte pattern. */
function registersFor(bytes: number[], pattern: string): number[] {
  // pattern letters name byte positions of the big-endian value; 64-bit values repeat it per half.
  const letters = 'ABCDEFGH';
  const order = bytes.length === 8 ? expand64(pattern) : pattern;
  const wire = [...order].map((l) => bytes[letters.indexOf(l)]!);
  const out: number[] = [];
  for (let i = 0; i < wire.length; i += 2) out.push(wire[i]! * 256 + wire[i + 1]!);
  return out;
}

/** ABCD -> ABCDEFGH, DCBA -> HGFEDCBA, BADC -> BADCFEHG, CDAB -> GHEFCDAB. */
function expand64(pattern: string): string {
  return { ABCD: 'ABCDEFGH', DCBA: 'HGFEDCBA', BADC: 'BADCFEHG', CDAB: 'GHEFCDAB' }[pattern]!;
}

function bigEndianBytes(type: ModbusDataType, value: number): number[] {
  const sizes: Record<string, number> = { int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };
  const buf = Buffer.alloc(sizes[type]!);
  const writers: Record<string, () => void> = {
    int16: () => buf.writeInt16BE(value), uint16: () => buf.writeUInt16BE(value),
    int32: () => buf.writeInt32BE(value), uint32: () => buf.writeUInt32BE(value),
    float32: () => buf.writeFloatBE(value), float64: () => buf.writeDoubleBE(value),
  };
  writers[type]!();
  return [...buf];
}

const samples: Record<Exclude<ModbusDataType, 'bool'>, number[]> = {
  int16: [0, 1, -1, 215, -37, 32767, -32768],
  uint16: [0, 1, 655, 40000, 65535],
  int32: [0, -1, 123456789, -123456789, 2147483647, -2147483648],
  uint32: [0, 1, 70000, 4294967295, 3000000000],
  float32: [0, -3.5, 4.25, 1.5e10, -0.15625],
  float64: [0, Math.PI, -1234.5678901234, 1e300, -2.5e-300],
};

const ordersOf = (type: string): ByteOrder[] => (type.endsWith('16') ? ['AB', 'BA'] : ['ABCD', 'DCBA', 'BADC', 'CDAB']);

describe('decodeRegisters / encodeRegisters', () => {
  for (const [type, values] of Object.entries(samples) as Array<[Exclude<ModbusDataType, 'bool'>, number[]]>) {
    for (const order of ordersOf(type)) {
      it(`${type} ${order}: decodes hand-built registers and encodes them back`, () => {
        for (const value of values) {
          const registers = registersFor(bigEndianBytes(type, value), order);
          const expected = type === 'float32' ? Math.fround(value) : value;
          expect(decodeRegisters(registers, type, order)).toBe(expected);
          expect(encodeRegisters(value, type, order)).toEqual(registers);
        }
      });
    }
  }

  it('reads known wire patterns', () => {
    expect(decodeRegisters([0xffdb], 'int16', 'AB')).toBe(-37);
    expect(decodeRegisters([0xdbff], 'int16', 'BA')).toBe(-37);
    expect(decodeRegisters([0x4088, 0x0000], 'float32', 'ABCD')).toBe(4.25);
    expect(decodeRegisters([0x0000, 0x4088], 'float32', 'CDAB')).toBe(4.25);
    expect(decodeRegisters([0x0000, 0x8840], 'float32', 'DCBA')).toBe(4.25);
    expect(decodeRegisters([0x8840, 0x0000], 'float32', 'BADC')).toBe(4.25);
    expect(decodeRegisters([0x0001, 0x0002], 'uint32', 'ABCD')).toBe(65538);
    expect(decodeRegisters([0x0002, 0x0001], 'uint32', 'CDAB')).toBe(65538);
    expect(decodeRegisters([0x4009, 0x21fb, 0x5444, 0x2d18], 'float64', 'ABCD')).toBe(Math.PI);
    expect(decodeRegisters([0x2d18, 0x5444, 0x21fb, 0x4009], 'float64', 'CDAB')).toBe(Math.PI);
  });

  it('treats an empty order as the default big-endian order', () => {
    expect(decodeRegisters([0x4088, 0], 'float32', '')).toBe(4.25);
    expect(encodeRegisters(-2, 'int16', '')).toEqual([0xfffe]);
  });

  it('refuses the wrong number of registers with DECODE_FAILED', () => {
    expect(() => decodeRegisters([1], 'float32', 'ABCD')).toThrow(expect.objectContaining({ code: 'DECODE_FAILED' }));
    expect(() => decodeRegisters([1, 2], 'int16', 'AB')).toThrow(/int16 needs 1 register/);
  });

  it('rejects values that do not fit the type with OUT_OF_RANGE', () => {
    const cases: Array<[number, ModbusDataType]> = [
      [32768, 'int16'], [-32769, 'int16'], [-1, 'uint16'], [65536, 'uint16'], [2 ** 31, 'int32'],
      [-1, 'uint32'], [2 ** 32, 'uint32'], [1e39, 'float32'], [Number.NaN, 'float64'], [Infinity, 'float32'], [1.5, 'int16'],
    ];
    for (const [value, type] of cases) {
      expect(() => encodeRegisters(value, type, ''), `${value} as ${type}`).toThrow(ConnectorError);
      expect(() => encodeRegisters(value, type, '')).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    }
  });
});

describe('scaling', () => {
  it('computes raw * scale + offset without float noise for integer registers', () => {
    expect(toEngineering(41, { scale: 0.1, offset: 0 }, 'int16')).toBe(4.1);
    expect(toEngineering(-37, { scale: 0.1, offset: 0 }, 'int16')).toBe(-3.7);
    expect(toEngineering(655, { scale: 0.1, offset: 0 }, 'uint16')).toBe(65.5);
    expect(toEngineering(1000, { scale: 0.01, offset: -273.15 }, 'int32')).toBe(-263.15);
    expect(toEngineering(3, { scale: 2.5e-7, offset: 0 }, 'uint32')).toBe(7.5e-7);
  });

  it('leaves float registers unrounded', () => {
    expect(toEngineering(Math.fround(4.1), { scale: 1, offset: 0 }, 'float32')).toBe(Math.fround(4.1));
    expect(toEngineering(2, { scale: 0.1, offset: 0 }, 'float64')).toBe(2 * 0.1);
  });

  it('reverses scaling for writes and rounds integer types', () => {
    expect(toRaw(4.1, { scale: 0.1, offset: 0 }, 'int16')).toBe(41);
    expect(toRaw(-263.15, { scale: 0.01, offset: -273.15 }, 'int32')).toBe(1000);
    expect(toRaw(4.14, { scale: 0.1, offset: 0 }, 'int16')).toBe(41);
    expect(toRaw(1.25, { scale: 0.5, offset: 0 }, 'float32')).toBe(2.5);
  });

  it('round-trips engineering values through registers in every order', () => {
    const scaling = { scale: 0.1, offset: -40 };
    for (const order of ['ABCD', 'DCBA', 'BADC', 'CDAB'] as const) {
      for (const value of [-40, -12.3, 0, 4.1, 85.7]) {
        const registers = encodeEngineering(value, scaling, 'int32', order);
        expect(toEngineering(decodeRegisters(registers, 'int32', order), scaling, 'int32')).toBe(value);
      }
    }
    for (const value of [-3.7, 4, 12.3, -3276.8, 3276.7]) {
      const registers = encodeEngineering(value, { scale: 0.1, offset: 0 }, 'int16', 'AB');
      expect(toEngineering(decodeRegisters(registers, 'int16', 'AB'), { scale: 0.1, offset: 0 }, 'int16')).toBe(value);
    }
  });

  it('explains an out-of-range write in engineering terms', () => {
    expect(() => encodeEngineering(4000, { scale: 0.1, offset: 0 }, 'int16', 'AB'))
      .toThrow(/4000 scales to raw 40000 \(scale 0.1, offset 0\), which does not fit int16/);
    expect(() => encodeEngineering(-1, { scale: 1, offset: 0 }, 'uint16', 'AB')).toThrow(/raw value -1 does not fit uint16 \(0..65535\)/);
  });
});
