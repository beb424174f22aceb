/**
 * Scalar value conversion between our API values and the protobuf value fields, one entry per
 * scalar datatype (STYLE rule 7: a lookup table, not a switch).
 *
 * Wire conventions (Sparkplug 3.0 "Datatype Details"):
 * - Int8/Int16/Int32 travel in uint32 int_value as 32-bit two's complement (-1 -> 0xFFFFFFFF).
 *   Decoding also accepts the narrow two's complement some encoders send (Int8 -1 -> 0xFF).
 * - Int64 travels in uint64 long_value as 64-bit two's complement.
 * - UInt32 belongs in int_value; long_value is accepted on decode (Tahu's JS library puts it there).
 * - 64-bit values become a number when it is a safe integer, a bigint beyond 2^53.
 */
import type { ScalarDataTypeName, ValueField } from './sparkplug-datatypes.ts';

export type SparkplugScalar = number | bigint | boolean | string;

/** A uint64 as protobufjs hands it over (a Long) or accepts it ({ low, high } or a number). */
export interface WireLong { low: number; high: number }
export type WireScalar = number | boolean | string | WireLong;

export interface ScalarCodec {
  /** The field the spec assigns; encode writes it. */
  readonly field: ValueField;
  /** Fields decode accepts, the spec's first. */
  readonly accepts: readonly ValueField[];
  /** What a value must look like, for error messages. */
  readonly expected: string;
  /** Our value -> wire value, or undefined when it does not fit the datatype. */
  toWire(value: SparkplugScalar): WireScalar | undefined;
  /** Wire value (from one of `accepts`) -> our value, or undefined when out of range. */
  fromWire(raw: WireScalar, field: ValueField): SparkplugScalar | undefined;
}

const TWO_32 = 4294967296;
const MAX_SAFE_HIGH = 0x200000; // 2^21: high word bound under which hi * 2^32 + lo is < 2^53

/** A uint64 read from the wire, unsigned. */
export function wireLongToUnsigned(raw: WireScalar): number | bigint {
  if (typeof raw === 'number') return raw;
  const { low, high } = raw as WireLong;
  const hi = high >>> 0;
  const lo = low >>> 0;
  if (hi < MAX_SAFE_HIGH) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** A uint64 read from the wire, as 64-bit two's complement. */
export function wireLongToSigned(raw: WireScalar): number | bigint {
  if (typeof raw === 'number') return raw;
  const { low, high } = raw as WireLong;
  const hi = high | 0;
  const lo = low >>> 0;
  if (hi >= -MAX_SAFE_HIGH && hi < MAX_SAFE_HIGH) {
    const n = hi * TWO_32 + lo;
    if (Number.isSafeInteger(n)) return n;
  }
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(lo));
}

/** A 64-bit integer (number or bigint, possibly negative) as protobufjs writes a uint64. */
export function toWireLong(value: number | bigint): number | WireLong {
  if (typeof value === 'number') return value; // protobufjs writes two's complement for negatives
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0 };
}

function integerOf(value: SparkplugScalar): number | bigint | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'bigint') return value;
  return undefined;
}

/** Int8/Int16/Int32, carried in uint32. */
function signedNarrow(bits: 8 | 16 | 32): ScalarCodec {
  const half = 2 ** (bits - 1);
  const full = 2 ** bits;
  const min = -half;
  const max = half - 1;
  return {
    field: 'intValue',
    accepts: ['intValue', 'longValue'],
    expected: `an integer in ${min}..${max}`,
    toWire(value) {
      const n = integerOf(value);
      if (n === undefined || n < min || n > max) return undefined;
      return Number(n) >>> 0;
    },
    fromWire(raw, field) {
      if (field === 'longValue') {
        const n = wireLongToSigned(raw);
        return n >= min && n <= max ? Number(n) : undefined;
      }
      const n = raw as number;
      if (n < half) return n;
      if (n >= TWO_32 - half) return n - TWO_32;
      if (n < full) return n - full; // narrow two's complement (e.g. Int8 -1 sent as 0xFF)
      return undefined;
    },
  };
}

/** UInt8/UInt16/UInt32, carried in uint32. */
function unsignedNarrow(bits: 8 | 16 | 32): ScalarCodec {
  const max = 2 ** bits - 1;
  return {
    field: 'intValue',
    accepts: ['intValue', 'longValue'],
    expected: `an integer in 0..${max}`,
    toWire(value) {
      const n = integerOf(value);
      if (n === undefined || n < 0 || n > max) return undefined;
      return Number(n);
    },
    fromWire(raw, field) {
      const n = field === 'longValue' ? wireLongToUnsigned(raw) : (raw as number);
      return n <= max ? Number(n) : undefined;
    },
  };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const int64: ScalarCodec = {
  field: 'longValue',
  accepts: ['longValue', 'intValue'],
  expected: 'an integer (number or bigint) in -2^63..2^63-1',
  toWire(value) {
    const n = integerOf(value);
    if (n === undefined) return undefined;
    if (typeof n === 'bigint' ? n < INT64_MIN || n > INT64_MAX : n < -(2 ** 63) || n >= 2 ** 63) return undefined;
    return toWireLong(n);
  },
  fromWire(raw, field) {
    return field === 'intValue' ? (raw as number) : wireLongToSigned(raw);
  },
};

function unsigned64(expected: string): ScalarCodec {
  return {
    field: 'longValue',
    accepts: ['longValue', 'intValue'],
    expected,
    toWire(value) {
      const n = integerOf(value);
      if (n === undefined || n < 0) return undefined;
      if (typeof n === 'bigint' ? n > UINT64_MAX : n >= 2 ** 64) return undefined;
      return toWireLong(n);
    },
    fromWire(raw, field) {
      return field === 'intValue' ? (raw as number) : wireLongToUnsigned(raw);
    },
  };
}

function floating(field: 'floatValue' | 'doubleValue', other: 'floatValue' | 'doubleValue'): ScalarCodec {
  return {
    field,
    accepts: [field, other],
    expected: 'a number',
    toWire: (value) => (typeof value === 'number' ? value : undefined),
    fromWire: (raw) => raw as number,
  };
}

const boolean: ScalarCodec = {
  field: 'booleanValue',
  accepts: ['booleanValue'],
  expected: 'a boolean',
  toWire: (value) => (typeof value === 'boolean' ? value : undefined),
  fromWire: (raw) => raw as boolean,
};

const string: ScalarCodec = {
  field: 'stringValue',
  accepts: ['stringValue'],
  expected: 'a string',
  toWire: (value) => (typeof value === 'string' ? value : undefined),
  fromWire: (raw) => raw as string,
};

export const scalarCodecs: Readonly<Record<ScalarDataTypeName, ScalarCodec>> = {
  Int8: signedNarrow(8),
  Int16: signedNarrow(16),
  Int32: signedNarrow(32),
  Int64: int64,
  UInt8: unsignedNarrow(8),
  UInt16: unsignedNarrow(16),
  UInt32: unsignedNarrow(32),
  UInt64: unsigned64('an integer (number or bigint) in 0..2^64-1'),
  Float: floating('floatValue', 'doubleValue'),
  Double: floating('doubleValue', 'floatValue'),
  Boolean: boolean,
  String: string,
  DateTime: unsigned64('milliseconds since the Unix epoch (a non-negative integer)'),
  Text: string,
  UUID: string,
};

/**
 * How to read a value field when no datatype is known (DATA messages may omit it; the spec
 * requires it only in births): the field's own protobuf type decides.
 */
export const rawFieldReaders: Readonly<Partial<Record<ValueField, (raw: WireScalar) => SparkplugScalar>>> = {
  intValue: (raw) => raw as number,
  longValue: wireLongToUnsigned,
  floatValue: (raw) => raw as number,
  doubleValue: (raw) => raw as number,
  booleanValue: (raw) => raw as boolean,
  stringValue: (raw) => raw as string,
};
