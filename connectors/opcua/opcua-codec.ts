/**
 * Between OPC UA built-in types (OPC 10000-6 5.1.2) and the gateway's scalars. Lookup tables,
 * not switch chains (STYLE.md rule 7). Values arrive as node-opcua decodes them: 64-bit
 * integers as [high, low] 32-bit words, DateTime as Date, LocalizedText as { text }.
 */
import type { Quality, TagScalar } from '../connector.ts';
import { ConnectorError } from '../errors.ts';

/** What the gateway can take from a decoded OPC UA value, or undefined when it cannot. */
type Decoder = (value: unknown) => TagScalar | undefined;

const finite = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const int64 = (value: unknown) => {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [high, low] = value as [number, number];
  // Precision ends at 2^53; counters in plants stay far below it.
  return high * 2 ** 32 + (low >>> 0);
};
const signedInt64 = (value: unknown) => {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [high, low] = value as [number, number];
  return (high | 0) * 2 ** 32 + (low >>> 0);
};

const decoders: Readonly<Record<string, Decoder>> = {
  Boolean: (v) => (typeof v === 'boolean' ? v : undefined),
  SByte: finite, Byte: finite, Int16: finite, UInt16: finite, Int32: finite, UInt32: finite,
  Float: finite, Double: finite,
  Int64: signedInt64, UInt64: int64,
  String: (v) => (typeof v === 'string' ? v : undefined),
  DateTime: (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString() : undefined),
  LocalizedText: (v) => (v && typeof (v as { text?: unknown }).text === 'string' ? (v as { text: string }).text : undefined),
  QualifiedName: (v) => (v && typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : undefined),
  Guid: (v) => (typeof v === 'string' ? v : undefined),
  Null: () => null,
};

/** Decodes a scalar of a built-in type; undefined for arrays, structures and unknown types. */
export function toTagScalar(dataType: string, value: unknown): TagScalar | undefined {
  if (Array.isArray(value) && dataType !== 'Int64' && dataType !== 'UInt64') return undefined;
  return decoders[dataType]?.(value);
}

interface IntegerRange { min: number; max: number }
const integerRanges: Readonly<Record<string, IntegerRange>> = {
  SByte: { min: -128, max: 127 }, Byte: { min: 0, max: 255 },
  Int16: { min: -32768, max: 32767 }, UInt16: { min: 0, max: 65535 },
  Int32: { min: -(2 ** 31), max: 2 ** 31 - 1 }, UInt32: { min: 0, max: 2 ** 32 - 1 },
  Int64: { min: -(2 ** 53), max: 2 ** 53 }, UInt64: { min: 0, max: 2 ** 53 },
};
const float32Max = 3.4028234663852886e38;

/**
 * The JS value node-opcua's Variant takes for a write of `value` to a node of `dataType`.
 * Throws TYPE_MISMATCH or OUT_OF_RANGE before anything is sent.
 */
export function toWriteValue(dataType: string, value: number | boolean, what: string): unknown {
  if (dataType === 'Boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 0 || value === 1) return value === 1;
    throw new ConnectorError('TYPE_MISMATCH', `${what} is Boolean and takes true/false (or 1/0), got ${value}`);
  }
  const n = typeof value === 'boolean' ? Number(value) : value;
  const range = integerRanges[dataType];
  if (range) {
    if (!Number.isInteger(n)) throw new ConnectorError('TYPE_MISMATCH', `${what} is ${dataType} and takes whole numbers, got ${n}`);
    if (n < range.min || n > range.max) throw new ConnectorError('OUT_OF_RANGE', `${what} is ${dataType} (${range.min}..${range.max}), got ${n}`);
    return dataType === 'Int64' || dataType === 'UInt64' ? [Math.floor(n / 2 ** 32) >>> 0, n >>> 0] : n;
  }
  if (dataType === 'Double') {
    if (!Number.isFinite(n)) throw new ConnectorError('OUT_OF_RANGE', `${what} is Double, got ${n}`);
    return n;
  }
  if (dataType === 'Float') {
    if (!Number.isFinite(n) || Math.abs(n) > float32Max) throw new ConnectorError('OUT_OF_RANGE', `${what} is Float (±${float32Max}), got ${n}`);
    return n;
  }
  throw new ConnectorError('TYPE_MISMATCH', `${what} has DataType ${dataType}; only Boolean and numeric nodes can be written`);
}

/** The top two bits of a StatusCode are its severity (OPC 10000-4 7.39): 00 Good, 01 Uncertain, 1x Bad. */
export function qualityOf(statusCode: number): Quality {
  const severity = statusCode >>> 30;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

/** Bad statuses with a catalogue code of their own; every other Bad status is BAD_STATUS. */
const badStatusCodes: Readonly<Record<string, 'BAD_NODE_ID' | 'LINK_DOWN' | 'TIMEOUT'>> = {
  BadNodeIdUnknown: 'BAD_NODE_ID',
  BadNodeIdInvalid: 'BAD_NODE_ID',
  BadCommunicationError: 'LINK_DOWN',
  BadNoCommunication: 'LINK_DOWN',
  BadServerNotConnected: 'LINK_DOWN',
  BadNotConnected: 'LINK_DOWN',
  BadTimeout: 'TIMEOUT',
};

/** The catalogue code for a status that is not Good. */
export function errorCodeOf(statusName: string, quality: Quality): string {
  if (quality === 'uncertain') return 'UNCERTAIN_STATUS';
  return badStatusCodes[statusName.split('#')[0]!] ?? 'BAD_STATUS';
}
