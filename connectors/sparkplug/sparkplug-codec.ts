/**
 * Sparkplug B payload codec: our plain objects <-> protobuf bytes (Sparkplug 3.0, "Payloads").
 *
 * The schema is loaded once, at import; protobufjs generates the encode/decode functions for each
 * message type on first use, so a call does no reflection. This module only maps between the
 * generated message objects and our API, through lookup tables.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import {
  dataTypeById, dataTypeByName, type DataTypeInfo, type DataTypeName, type ScalarDataTypeName, type ValueField,
} from './sparkplug-datatypes.ts';
import { SparkplugDecodeError, SparkplugEncodeError } from './sparkplug-errors.ts';
import {
  rawFieldReaders, scalarCodecs, wireLongToUnsigned, type SparkplugScalar, type WireLong, type WireScalar,
} from './sparkplug-scalars.ts';

export interface SparkplugPropertyValue {
  type: DataTypeName;
  value: number | bigint | boolean | string | null;
}

export interface SparkplugMetric {
  name?: string;
  alias?: number;
  /** Acquisition time, ms since the Unix epoch. */
  timestamp?: number;
  datatype?: DataTypeName;
  isHistorical?: boolean;
  isTransient?: boolean;
  isNull?: boolean;
  value?: number | bigint | boolean | string | null;
  properties?: Record<string, SparkplugPropertyValue>;
}

export interface SparkplugPayload {
  /** Publish time, ms since the Unix epoch. */
  timestamp?: number;
  /** 0..255 per message of one edge node session; absent only in NDEATH. */
  seq?: number;
  metrics: SparkplugMetric[];
  uuid?: string;
  body?: Uint8Array;
}

export interface DecodeOptions {
  /**
   * Datatype of a metric that arrives without one (DATA messages may omit it), e.g. looked up from
   * the birth by alias. Without it such values are read by their protobuf field type alone
   * (int_value as unsigned 32-bit, long_value as unsigned 64-bit).
   */
  datatypeOf?: (metric: { name?: string; alias?: number }) => DataTypeName | undefined;
}

// ---- schema ---------------------------------------------------------------------------------

const root = protobuf.loadSync(fileURLToPath(new URL('./sparkplug_b.proto', import.meta.url)));
const PayloadType = root.lookupType('org.eclipse.tahu.protobuf.Payload');

/** The generated message objects, typed for just the fields we use. */
interface WirePropertyValue {
  type?: number;
  isNull?: boolean;
  intValue?: number; longValue?: WireLong | number; floatValue?: number; doubleValue?: number;
  booleanValue?: boolean; stringValue?: string; propertysetValue?: unknown; propertysetsValue?: unknown;
}
interface WirePropertySet { keys: string[]; values: WirePropertyValue[] }
interface WireMetric {
  name?: string;
  alias?: WireLong | number;
  timestamp?: WireLong | number;
  datatype?: number;
  isHistorical?: boolean;
  isTransient?: boolean;
  isNull?: boolean;
  properties?: WirePropertySet;
  intValue?: number; longValue?: WireLong | number; floatValue?: number; doubleValue?: number;
  booleanValue?: boolean; stringValue?: string; bytesValue?: Uint8Array;
  datasetValue?: unknown; templateValue?: unknown; extensionValue?: unknown;
}
interface WirePayload {
  timestamp?: WireLong | number;
  metrics: WireMetric[];
  seq?: WireLong | number;
  uuid?: string;
  body?: Uint8Array;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Value fields in the order decode looks for one when no datatype is known. */
const metricValueFields: readonly ValueField[] = [
  'intValue', 'longValue', 'floatValue', 'doubleValue', 'booleanValue', 'stringValue',
  'bytesValue', 'datasetValue', 'templateValue',
];
const propertyValueFields: readonly ValueField[] = [
  'intValue', 'longValue', 'floatValue', 'doubleValue', 'booleanValue', 'stringValue',
  'propertysetValue', 'propertysetsValue',
];
/** The datatype a value field implies when the sender gave none. */
const impliedTypeOfField: Readonly<Partial<Record<ValueField, DataTypeName>>> = {
  intValue: 'UInt32', longValue: 'UInt64', floatValue: 'Float', doubleValue: 'Double',
  booleanValue: 'Boolean', stringValue: 'String', bytesValue: 'Bytes', datasetValue: 'DataSet',
  templateValue: 'Template', propertysetValue: 'PropertySet', propertysetsValue: 'PropertySetList',
};

// ---- encode ---------------------------------------------------------------------------------

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}" (string)` : `${String(value)} (${typeof value})`;
}

function metricLabel(metric: SparkplugMetric, index: number): string {
  if (metric.name !== undefined) return `metric "${metric.name}"`;
  if (metric.alias !== undefined) return `metric alias ${metric.alias}`;
  return `metric #${index}`;
}

function scalarCodecFor(type: DataTypeName, where: string, Err: typeof SparkplugEncodeError) {
  const info = dataTypeByName[type] as DataTypeInfo | undefined;
  if (info === undefined) throw new Err('UNKNOWN_DATATYPE', `${where}: datatype "${type}" is not a Sparkplug datatype`);
  if (!info.scalar) throw new Err('UNSUPPORTED_DATATYPE', `${where}: datatype ${type} is not supported by this codec`);
  return { info, codec: scalarCodecs[type as ScalarDataTypeName] };
}

function checkUint(value: number, what: string, where: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new SparkplugEncodeError('VALUE_OUT_OF_RANGE', `${where}: ${what} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

function encodeProperties(props: Record<string, SparkplugPropertyValue>, where: string): WirePropertySet {
  const keys: string[] = [];
  const values: WirePropertyValue[] = [];
  for (const key in props) {
    const prop = props[key];
    const at = `${where}, property "${key}"`;
    const { info, codec } = scalarCodecFor(prop.type, at, SparkplugEncodeError);
    // Every property value has its type [tck-id-payloads-metric-propertyvalue-type-req]: a uint32 in the schema
    // [tck-id-payloads-metric-propertyvalue-type-type], a number of the spec's table [tck-id-payloads-metric-propertyvalue-type-value].
    const wire: WirePropertyValue = { type: info.id };
    if (prop.value === null || prop.value === undefined) {
      wire.isNull = true;
    } else {
      const encoded = codec.toWire(prop.value);
      if (encoded === undefined) {
        throw new SparkplugEncodeError('VALUE_TYPE_MISMATCH', `${at}: ${describe(prop.value)} does not fit ${prop.type}: expected ${codec.expected}`);
      }
      (wire as Record<string, unknown>)[codec.field] = encoded;
    }
    keys.push(key);
    values.push(wire);
  }
  return { keys, values };
}

function encodeMetric(metric: SparkplugMetric, index: number): WireMetric {
  const where = metricLabel(metric, index);
  const wire: WireMetric = {};
  if (metric.name !== undefined) wire.name = metric.name;
  if (metric.alias !== undefined) wire.alias = checkUint(metric.alias, 'alias', where);
  if (metric.timestamp !== undefined) wire.timestamp = checkUint(metric.timestamp, 'timestamp', where);
  if (metric.isHistorical !== undefined) wire.isHistorical = metric.isHistorical;
  if (metric.isTransient !== undefined) wire.isTransient = metric.isTransient;
  const value = metric.value;
  const isNull = metric.isNull === true || value === null;
  if (metric.datatype !== undefined) {
    const { info, codec } = scalarCodecFor(metric.datatype, where, SparkplugEncodeError);
    wire.datatype = info.id;
    if (!isNull) {
      if (value === undefined || value === null) {
        throw new SparkplugEncodeError('VALUE_MISSING', `${where}: no value; set isNull: true (or value: null) to send a null`);
      }
      const encoded = codec.toWire(value);
      if (encoded === undefined) {
        throw new SparkplugEncodeError('VALUE_TYPE_MISMATCH', `${where}: ${describe(metric.value)} does not fit ${metric.datatype}: expected ${codec.expected}`);
      }
      (wire as Record<string, unknown>)[codec.field] = encoded;
    }
  } else if (!isNull && metric.value !== undefined) {
    throw new SparkplugEncodeError('DATATYPE_REQUIRED', `${where}: value ${describe(metric.value)} has no datatype`);
  }
  if (isNull) wire.isNull = true;
  if (metric.properties !== undefined) wire.properties = encodeProperties(metric.properties, where);
  return wire;
}

/** Encode a payload. Throws SparkplugEncodeError when a value does not fit its datatype. */
export function encodePayload(payload: SparkplugPayload): Uint8Array {
  const metrics = payload.metrics;
  const wireMetrics: WireMetric[] = new Array(metrics.length);
  for (let i = 0; i < metrics.length; i++) wireMetrics[i] = encodeMetric(metrics[i], i);
  const wire: WirePayload = { metrics: wireMetrics };
  if (payload.timestamp !== undefined) wire.timestamp = checkUint(payload.timestamp, 'timestamp', 'payload');
  if (payload.seq !== undefined) wire.seq = checkUint(payload.seq, 'seq', 'payload');
  if (payload.uuid !== undefined) wire.uuid = payload.uuid;
  if (payload.body !== undefined) wire.body = payload.body;
  return PayloadType.encode(wire as unknown as protobuf.Message).finish();
}

// ---- decode ---------------------------------------------------------------------------------

function toSafeNumber(raw: WireLong | number, what: string): number {
  const n = wireLongToUnsigned(raw);
  if (typeof n === 'bigint') {
    throw new SparkplugDecodeError('NUMBER_OUT_OF_RANGE', `${what} ${n} is beyond 2^53`);
  }
  return n;
}

function typeInfoOf(id: number, where: string): DataTypeInfo {
  const info = dataTypeById[id];
  if (info === undefined) {
    throw new SparkplugDecodeError('UNKNOWN_DATATYPE', `${where}: datatype ${id} is not defined by Sparkplug 3.0 (expected 1..34)`);
  }
  return info;
}

/** The value field a message has set, or undefined. */
function setField(wire: object, fields: readonly ValueField[]): ValueField | undefined {
  for (let i = 0; i < fields.length; i++) if (hasOwn.call(wire, fields[i])) return fields[i];
  return undefined;
}

/** Read a value of a known scalar datatype; `where` names the metric or property for errors. */
function readTyped(wire: object, info: DataTypeInfo, where: string): SparkplugScalar {
  if (!info.scalar) {
    throw new SparkplugDecodeError('UNSUPPORTED_DATATYPE', `${where}: datatype ${info.name} (${info.id}) is not supported`);
  }
  const codec = scalarCodecs[info.name as ScalarDataTypeName];
  const record = wire as Record<string, WireScalar>;
  let field: ValueField | undefined;
  if (hasOwn.call(wire, codec.field)) field = codec.field;
  else {
    for (let i = 1; i < codec.accepts.length && field === undefined; i++) {
      if (hasOwn.call(wire, codec.accepts[i])) field = codec.accepts[i];
    }
  }
  if (field === undefined) {
    const other = setField(wire, metricValueFields) ?? setField(wire, propertyValueFields);
    if (other === undefined) throw new SparkplugDecodeError('VALUE_MISSING', `${where}: ${info.name} with no value and is_null not set`);
    throw new SparkplugDecodeError('VALUE_TYPE_MISMATCH', `${where}: datatype ${info.name} expects ${codec.field}, found ${other}`);
  }
  const value = codec.fromWire(record[field], field);
  if (value === undefined) {
    throw new SparkplugDecodeError('VALUE_OUT_OF_RANGE', `${where}: ${describe(record[field])} in ${field} is outside ${info.name}: expected ${codec.expected}`);
  }
  return value;
}

/** Read a value with no datatype known: its protobuf field type decides. */
function readUntyped(wire: object, fields: readonly ValueField[], where: string): SparkplugScalar {
  const field = setField(wire, fields);
  if (field === undefined) throw new SparkplugDecodeError('VALUE_MISSING', `${where}: no value and is_null not set`);
  const reader = rawFieldReaders[field];
  if (reader === undefined) {
    throw new SparkplugDecodeError('UNSUPPORTED_DATATYPE', `${where}: a ${field} value is not supported`);
  }
  return reader((wire as Record<string, WireScalar>)[field]);
}

function decodeProperties(set: WirePropertySet, where: string): Record<string, SparkplugPropertyValue> {
  const { keys, values } = set;
  // [tck-id-payloads-propertyset-keys-array-size] [tck-id-payloads-propertyset-values-array-size]
  if (keys.length !== values.length) {
    throw new SparkplugDecodeError('PROPERTYSET_MISMATCH', `${where}: ${keys.length} property keys but ${values.length} values`);
  }
  const props: Record<string, SparkplugPropertyValue> = {};
  for (let i = 0; i < keys.length; i++) {
    const wire = values[i];
    const at = `${where}, property "${keys[i]}"`;
    let type: DataTypeName;
    if (hasOwn.call(wire, 'type')) {
      const info = typeInfoOf(wire.type as number, at);
      // Nested property sets do not fit our flat value model; they are left out, not fatal.
      if (info.name === 'PropertySet' || info.name === 'PropertySetList') continue;
      type = info.name;
      props[keys[i]] = { type, value: wire.isNull === true ? null : readTyped(wire, info, at) };
    } else {
      const field = setField(wire, propertyValueFields);
      if (field === 'propertysetValue' || field === 'propertysetsValue') continue;
      type = (field && impliedTypeOfField[field]) ?? 'String';
      props[keys[i]] = { type, value: wire.isNull === true ? null : readUntyped(wire, propertyValueFields, at) };
    }
  }
  return props;
}

function decodeMetric(wire: WireMetric, index: number, options: DecodeOptions | undefined): SparkplugMetric {
  const metric: SparkplugMetric = {};
  if (hasOwn.call(wire, 'name')) metric.name = wire.name;
  if (hasOwn.call(wire, 'alias')) metric.alias = toSafeNumber(wire.alias as WireLong, `metric #${index} alias`);
  const where = metric.name !== undefined ? `metric "${metric.name}"`
    : metric.alias !== undefined ? `metric alias ${metric.alias}` : `metric #${index}`;
  if (hasOwn.call(wire, 'timestamp')) metric.timestamp = toSafeNumber(wire.timestamp as WireLong, `${where} timestamp`);
  let info: DataTypeInfo | undefined;
  if (hasOwn.call(wire, 'datatype')) {
    info = typeInfoOf(wire.datatype as number, where);
    metric.datatype = info.name;
  } else if (options?.datatypeOf !== undefined) {
    const known = options.datatypeOf({ name: metric.name, alias: metric.alias });
    if (known !== undefined) {
      info = dataTypeByName[known];
      metric.datatype = known;
    }
  }
  if (hasOwn.call(wire, 'isHistorical')) metric.isHistorical = wire.isHistorical;
  if (hasOwn.call(wire, 'isTransient')) metric.isTransient = wire.isTransient;
  if (wire.isNull === true) {
    metric.isNull = true;
    metric.value = null;
    if (info !== undefined && !info.scalar) {
      throw new SparkplugDecodeError('UNSUPPORTED_DATATYPE', `${where}: datatype ${info.name} (${info.id}) is not supported`);
    }
  } else {
    if (hasOwn.call(wire, 'isNull')) metric.isNull = false;
    metric.value = info !== undefined ? readTyped(wire, info, where) : readUntyped(wire, metricValueFields, where);
  }
  if (hasOwn.call(wire, 'properties')) metric.properties = decodeProperties(wire.properties as WirePropertySet, where);
  return metric;
}

/**
 * Decode a payload. Throws SparkplugDecodeError (with a stable `code`) when the bytes are not a
 * Sparkplug B payload, a datatype is unknown or not a scalar, a value is missing while is_null is
 * not set, or a value does not fit its datatype.
 */
export function decodePayload(buf: Uint8Array, options?: DecodeOptions): SparkplugPayload {
  let wire: WirePayload;
  try {
    wire = PayloadType.decode(buf) as unknown as WirePayload;
  } catch (error) {
    throw new SparkplugDecodeError('MALFORMED_PROTOBUF', `Cannot decode ${buf.length} bytes as a Sparkplug B payload: ${(error as Error).message}`);
  }
  const wireMetrics = wire.metrics;
  const metrics: SparkplugMetric[] = new Array(wireMetrics.length);
  for (let i = 0; i < wireMetrics.length; i++) metrics[i] = decodeMetric(wireMetrics[i], i, options);
  const payload: SparkplugPayload = { metrics };
  if (hasOwn.call(wire, 'timestamp')) payload.timestamp = toSafeNumber(wire.timestamp as WireLong, 'payload timestamp');
  if (hasOwn.call(wire, 'seq')) payload.seq = toSafeNumber(wire.seq as WireLong, 'payload seq');
  if (hasOwn.call(wire, 'uuid')) payload.uuid = wire.uuid;
  if (hasOwn.call(wire, 'body')) payload.body = wire.body;
  return payload;
}
