/**
 * Registers <-> numbers for every data type and byte order, and engineering scaling.
 *
 * Modbus puts each 16-bit register on the wire high byte first [Modbus Application Protocol
 * V1.1b3 §4.2]; how a device spreads a 32/64-bit value over several registers is not
 * standardised, hence the byte orders of modbus-address.ts.
 */
import { ConnectorError } from '../errors.ts';
import { modbusDataTypes, type ByteOrder, type ModbusDataType } from './modbus-address.ts';

type RegisterType = Exclude<ModbusDataType, 'bool'>;

interface NumberCodec {
  bytes: number;
  min: number;
  max: number;
  read(view: DataView): number;
  write(view: DataView, value: number): void;
}

const float32Max = 3.4028234663852886e38;

/** Big-endian (ABCD) readers and writers; byte orders are applied around them. */
const numberCodecs: Readonly<Record<RegisterType, NumberCodec>> = {
  int16: { bytes: 2, min: -0x8000, max: 0x7fff, read: (v) => v.getInt16(0), write: (v, n) => v.setInt16(0, n) },
  uint16: { bytes: 2, min: 0, max: 0xffff, read: (v) => v.getUint16(0), write: (v, n) => v.setUint16(0, n) },
  int32: { bytes: 4, min: -0x80000000, max: 0x7fffffff, read: (v) => v.getInt32(0), write: (v, n) => v.setInt32(0, n) },
  uint32: { bytes: 4, min: 0, max: 0xffffffff, read: (v) => v.getUint32(0), write: (v, n) => v.setUint32(0, n) },
  float32: { bytes: 4, min: -float32Max, max: float32Max, read: (v) => v.getFloat32(0), write: (v, n) => v.setFloat32(0, n) },
  float64: { bytes: 8, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, read: (v) => v.getFloat64(0), write: (v, n) => v.setFloat64(0, n) },
};

/** How each order differs from big-endian: bytes swapped inside each register, registers reversed. */
const orderTransforms: Readonly<Record<ByteOrder, { swapBytes: boolean; reverseRegisters: boolean }>> = {
  AB: { swapBytes: false, reverseRegisters: false },
  BA: { swapBytes: true, reverseRegisters: false },
  ABCD: { swapBytes: false, reverseRegisters: false },
  DCBA: { swapBytes: true, reverseRegisters: true },
  BADC: { swapBytes: true, reverseRegisters: false },
  CDAB: { swapBytes: false, reverseRegisters: true },
};

const swap16 = (word: number) => ((word & 0xff) << 8) | (word >>> 8);

/** Both directions are the same permutation: reversing and swapping are their own inverses. */
function reorder(registers: readonly number[], order: ByteOrder): number[] {
  const { swapBytes, reverseRegisters } = orderTransforms[order];
  const words = reverseRegisters ? [...registers].reverse() : [...registers];
  return swapBytes ? words.map(swap16) : words;
}

function codecOf(type: ModbusDataType): NumberCodec {
  if (type === 'bool') throw new ConnectorError('DECODE_FAILED', 'bool values live in coils and discrete inputs, not registers');
  return numberCodecs[type];
}

/** Decodes the registers of one value (uint16 words as the library returns them) to a number. */
export function decodeRegisters(registers: readonly number[], type: ModbusDataType, order: ByteOrder | ''): number {
  const codec = codecOf(type);
  const width = codec.bytes / 2;
  if (registers.length !== width) {
    throw new ConnectorError('DECODE_FAILED', `${type} needs ${width} register(s), got ${registers.length}`);
  }
  const view = new DataView(new ArrayBuffer(codec.bytes));
  reorder(registers, order || 'ABCD').forEach((word, i) => view.setUint16(i * 2, word));
  return codec.read(view);
}

/** Encodes a raw (already unscaled) number into registers in the device's order. */
export function encodeRegisters(raw: number, type: ModbusDataType, order: ByteOrder | ''): number[] {
  const codec = codecOf(type);
  if (!Number.isFinite(raw)) throw new ConnectorError('OUT_OF_RANGE', `${raw} is not a finite number; ${type} needs one`);
  if (modbusDataTypes[type].integer && !Number.isInteger(raw)) {
    throw new ConnectorError('OUT_OF_RANGE', `${raw} is not an integer; ${type} holds whole numbers`);
  }
  if (raw < codec.min || raw > codec.max) {
    throw new ConnectorError('OUT_OF_RANGE', `raw value ${raw} does not fit ${type} (${codec.min}..${codec.max})`);
  }
  const view = new DataView(new ArrayBuffer(codec.bytes));
  codec.write(view, raw);
  const words = Array.from({ length: codec.bytes / 2 }, (_, i) => view.getUint16(i * 2));
  return reorder(words, order || 'ABCD');
}

export interface Scaling {
  scale: number;
  offset: number;
}

/** Decimal places of a number as written, e.g. 0.1 -> 1, 2.5e-3 -> 4, 10 -> 0. */
function decimalsOf(n: number): number {
  const [mantissa = '', exponent = '0'] = String(Math.abs(n)).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/**
 * engineering = raw * scale + offset. For integer registers the result is rounded to the
 * decimals that scale and offset carry, so 41 * 0.1 reports 4.1, not 4.1000000000000005.
 */
export function toEngineering(raw: number, scaling: Scaling, type: ModbusDataType): number {
  const value = raw * scaling.scale + scaling.offset;
  if (!modbusDataTypes[type].integer) return value;
  const decimals = Math.min(15, Math.max(decimalsOf(scaling.scale), decimalsOf(scaling.offset)));
  return Number(value.toFixed(decimals));
}

/** raw = (engineering - offset) / scale, rounded for integer types; range checks happen in encodeRegisters. */
export function toRaw(engineering: number, scaling: Scaling, type: ModbusDataType): number {
  const raw = (engineering - scaling.offset) / scaling.scale;
  return modbusDataTypes[type].integer ? Math.round(raw) : raw;
}

/** Engineering value -> registers for a write, with the range checked after scaling. */
export function encodeEngineering(engineering: number, scaling: Scaling, type: ModbusDataType, order: ByteOrder | ''): number[] {
  const raw = toRaw(engineering, scaling, type);
  try {
    return encodeRegisters(raw, type, order);
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'OUT_OF_RANGE' && (scaling.scale !== 1 || scaling.offset !== 0)) {
      throw new ConnectorError('OUT_OF_RANGE', `${engineering} scales to raw ${raw} (scale ${scaling.scale}, offset ${scaling.offset}), which does not fit ${type}`);
    }
    throw err;
  }
}
