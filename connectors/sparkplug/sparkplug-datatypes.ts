/**
 * Sparkplug B datatypes (Sparkplug 3.0, "Payloads" > "Data Types" and "Datatype Details"):
 * the number that travels in Metric.datatype / PropertyValue.type, the name used in our API,
 * and the protobuf `oneof value` member the spec puts the value in.
 *
 * Field names are protobufjs's camelCase spelling of the schema's snake_case names.
 */

export type DataTypeName =
  | 'Int8' | 'Int16' | 'Int32' | 'Int64'
  | 'UInt8' | 'UInt16' | 'UInt32' | 'UInt64'
  | 'Float' | 'Double' | 'Boolean' | 'String' | 'DateTime' | 'Text'
  | 'UUID' | 'DataSet' | 'Bytes' | 'File' | 'Template'
  | 'PropertySet' | 'PropertySetList'
  | 'Int8Array' | 'Int16Array' | 'Int32Array' | 'Int64Array'
  | 'UInt8Array' | 'UInt16Array' | 'UInt32Array' | 'UInt64Array'
  | 'FloatArray' | 'DoubleArray' | 'BooleanArray' | 'StringArray' | 'DateTimeArray';

/** The datatypes whose values are one number, bigint, boolean or string: what this codec carries. */
export type ScalarDataTypeName =
  | 'Int8' | 'Int16' | 'Int32' | 'Int64'
  | 'UInt8' | 'UInt16' | 'UInt32' | 'UInt64'
  | 'Float' | 'Double' | 'Boolean' | 'String' | 'DateTime' | 'Text' | 'UUID';

/** Members of the Metric / PropertyValue `oneof value` (protobufjs names). */
export type ValueField =
  | 'intValue' | 'longValue' | 'floatValue' | 'doubleValue' | 'booleanValue' | 'stringValue'
  | 'bytesValue' | 'datasetValue' | 'templateValue' | 'propertysetValue' | 'propertysetsValue';

export interface DataTypeInfo {
  /** The number on the wire. */
  readonly id: number;
  readonly name: DataTypeName;
  /** Where the spec puts a value of this type. */
  readonly field: ValueField;
  /** True when the value is a single scalar (what encodePayload/decodePayload support). */
  readonly scalar: boolean;
}

/**
 * Every datatype of the spec's DataType enum except Unknown (0), indexed by wire number: the only
 * numbers the codec writes in Metric.datatype [tck-id-payloads-metric-datatype-value], a uint32 in
 * sparkplug_b.proto [tck-id-payloads-metric-datatype-value-type].
 */
const table: readonly (readonly [number, DataTypeName, ValueField, boolean])[] = [
  // Basic types
  [1, 'Int8', 'intValue', true],          // signed, carried in uint32 (two's complement)
  [2, 'Int16', 'intValue', true],
  [3, 'Int32', 'intValue', true],
  [4, 'Int64', 'longValue', true],        // signed, carried in uint64 (two's complement)
  [5, 'UInt8', 'intValue', true],
  [6, 'UInt16', 'intValue', true],
  [7, 'UInt32', 'intValue', true],        // the spec says uint32; some encoders (Tahu JS) use long_value
  [8, 'UInt64', 'longValue', true],
  [9, 'Float', 'floatValue', true],
  [10, 'Double', 'doubleValue', true],
  [11, 'Boolean', 'booleanValue', true],
  [12, 'String', 'stringValue', true],
  [13, 'DateTime', 'longValue', true],    // ms since the Unix epoch, UTC
  [14, 'Text', 'stringValue', true],
  // Additional metric types
  [15, 'UUID', 'stringValue', true],
  [16, 'DataSet', 'datasetValue', false],
  [17, 'Bytes', 'bytesValue', false],
  [18, 'File', 'bytesValue', false],
  [19, 'Template', 'templateValue', false],
  // Additional property value types
  [20, 'PropertySet', 'propertysetValue', false],
  [21, 'PropertySetList', 'propertysetsValue', false],
  // Array types: packed little-endian bytes in bytes_value
  [22, 'Int8Array', 'bytesValue', false],
  [23, 'Int16Array', 'bytesValue', false],
  [24, 'Int32Array', 'bytesValue', false],
  [25, 'Int64Array', 'bytesValue', false],
  [26, 'UInt8Array', 'bytesValue', false],
  [27, 'UInt16Array', 'bytesValue', false],
  [28, 'UInt32Array', 'bytesValue', false],
  [29, 'UInt64Array', 'bytesValue', false],
  [30, 'FloatArray', 'bytesValue', false],
  [31, 'DoubleArray', 'bytesValue', false],
  [32, 'BooleanArray', 'bytesValue', false],
  [33, 'StringArray', 'bytesValue', false],
  [34, 'DateTimeArray', 'bytesValue', false],
];

export const DATA_TYPES: readonly DataTypeInfo[] = table.map(([id, name, field, scalar]) =>
  Object.freeze({ id, name, field, scalar }));

/** Lookup by wire number; `undefined` for 0 (Unknown) and numbers the spec does not define. */
export const dataTypeById: readonly (DataTypeInfo | undefined)[] = (() => {
  const byId: (DataTypeInfo | undefined)[] = [];
  for (const info of DATA_TYPES) byId[info.id] = info;
  return byId;
})();

export const dataTypeByName: Readonly<Record<DataTypeName, DataTypeInfo>> = Object.fromEntries(
  DATA_TYPES.map((info) => [info.name, info]),
) as Record<DataTypeName, DataTypeInfo>;

export function isDataTypeName(name: unknown): name is DataTypeName {
  return typeof name === 'string' && Object.hasOwn(dataTypeByName, name);
}

export function isScalarDataType(name: DataTypeName): name is ScalarDataTypeName {
  return dataTypeByName[name].scalar;
}
