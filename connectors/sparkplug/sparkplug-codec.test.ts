import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { get as tahuNamespace } from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import {
  decodePayload, encodePayload, qualityFromSparkplug, sparkplugQuality, SparkplugDecodeError, SparkplugEncodeError,
  type DataTypeName, type SparkplugMetric,
} from './index.ts';

const tahu = tahuNamespace('spBv1.0')!;
const now = 1_700_000_000_123;

/** A raw protobuf encoder over our schema, to build frames our encoder refuses to build. */
const rawRoot = protobuf.loadSync(fileURLToPath(new URL('./sparkplug_b.proto', import.meta.url)));
const RawPayload = rawRoot.lookupType('org.eclipse.tahu.protobuf.Payload');
function rawFrame(payload: object): Uint8Array {
  return RawPayload.encode(RawPayload.fromObject(payload)).finish();
}

/** Every scalar datatype with values at and inside its limits. */
const samples: Array<[DataTypeName, Array<number | bigint | boolean | string>]> = [
  ['Int8', [-128, -1, 0, 127]],
  ['Int16', [-32768, -1, 32767]],
  ['Int32', [-2147483648, -1, 0, 2147483647]],
  ['Int64', [-1, 0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2n ** 63n - 1n, -(2n ** 63n)]],
  ['UInt8', [0, 255]],
  ['UInt16', [0, 65535]],
  ['UInt32', [0, 4294967295]],
  ['UInt64', [0, Number.MAX_SAFE_INTEGER, 2n ** 64n - 1n]],
  ['Float', [0, 1.5, -273.25]],
  ['Double', [Math.PI, -1e300, 0.1]],
  ['Boolean', [true, false]],
  ['String', ['', 'héllo ✓ 温度']],
  ['DateTime', [now, 0]],
  ['Text', ['multi\nline']],
  ['UUID', ['0b5c7a7e-3c41-4a34-9a43-0d8a2b6f1e11']],
];

function metricsFor(type: DataTypeName, values: Array<number | bigint | boolean | string>): SparkplugMetric[] {
  return values.map((value, i) => ({ name: `${type}/${i}`, alias: i, timestamp: now + i, datatype: type, value }));
}

function expectDecodeError(run: () => unknown, code: string) {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SparkplugDecodeError);
  expect((caught as SparkplugDecodeError).code).toBe(code);
  return caught as SparkplugDecodeError;
}

/** Tahu hands 64-bit numbers back as Long; compare them as exact integers. */
function exact(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value) return BigInt(String(value));
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'bigint') return value;
  return value;
}

describe('encodePayload / decodePayload', () => {
  it.each(samples)('round-trips %s values at the limits of the type', (type, values) => {
    const metrics = metricsFor(type, values);
    const decoded = decodePayload(encodePayload({ timestamp: now, seq: 3, metrics }));
    expect(decoded.timestamp).toBe(now);
    expect(decoded.seq).toBe(3);
    expect(decoded.metrics).toEqual(metrics);
  });

  it.each(samples.map(([type]) => type))('round-trips a null %s', (type) => {
    const metric: SparkplugMetric = { alias: 9, timestamp: now, datatype: type, isNull: true, value: null };
    expect(decodePayload(encodePayload({ metrics: [metric] })).metrics).toEqual([metric]);
  });

  it('hands 64-bit values back as numbers when safe and as bigint beyond 2^53', () => {
    const decoded = decodePayload(encodePayload({
      metrics: [
        { alias: 1, datatype: 'UInt64', value: 2 ** 53 - 1 },
        { alias: 2, datatype: 'UInt64', value: 2n ** 53n + 1n },
        { alias: 3, datatype: 'Int64', value: -5n },
      ],
    }));
    expect(decoded.metrics.map((m) => m.value)).toEqual([2 ** 53 - 1, 2n ** 53n + 1n, -5]);
  });

  it('keeps properties, is_historical and is_transient', () => {
    const metric: SparkplugMetric = {
      alias: 4, timestamp: now, datatype: 'Float', value: 21.5, isHistorical: true, isTransient: false,
      properties: { engUnit: { type: 'String', value: '°C' }, Quality: { type: 'Int32', value: 500 }, note: { type: 'String', value: null } },
    };
    expect(decodePayload(encodePayload({ timestamp: now, seq: 0, metrics: [metric] })).metrics).toEqual([metric]);
  });

  it('keeps uuid and body', () => {
    const body = new Uint8Array([1, 2, 3]);
    const decoded = decodePayload(encodePayload({ metrics: [], uuid: 'schema-1', body }));
    expect(decoded.uuid).toBe('schema-1');
    expect(Array.from(decoded.body!)).toEqual([1, 2, 3]);
  });

  it('refuses to encode a value that does not fit its datatype', () => {
    expect(() => encodePayload({ metrics: [{ name: 'x', datatype: 'Int8', value: 200 }] }))
      .toThrow(/metric "x": 200 \(number\) does not fit Int8: expected an integer in -128\.\.127/);
    expect(() => encodePayload({ metrics: [{ name: 'x', datatype: 'Boolean', value: 1 }] })).toThrow(SparkplugEncodeError);
    expect(() => encodePayload({ metrics: [{ name: 'x', datatype: 'Int32', value: 1.5 }] })).toThrow(SparkplugEncodeError);
    expect(() => encodePayload({ metrics: [{ name: 'x', datatype: 'DataSet', value: 1 }] })).toThrow(/not supported/);
    expect(() => encodePayload({ metrics: [{ alias: 3, value: 1 }] })).toThrow(/alias 3: value 1 \(number\) has no datatype/);
  });

  // Speed is for the benches (bench/end-to-end-latency encodes every payload), not asserted in a unit test.
  it('round-trips a 500-metric payload exactly', () => {
    const metrics: SparkplugMetric[] = Array.from({ length: 500 }, (_, i) => ({ alias: i, timestamp: now + i, datatype: 'Double', value: i / 7 }));
    const decoded = decodePayload(encodePayload({ timestamp: now, seq: 255, metrics }));
    expect(decoded.seq).toBe(255);
    expect(decoded.metrics).toHaveLength(500);
    expect(decoded.metrics.map((m) => [m.alias, m.timestamp, m.value])).toEqual(metrics.map((m) => [m.alias, m.timestamp, m.value]));
  });
});

describe('decodePayload rejects bad frames with a SparkplugDecodeError', () => {
  it('rejects bytes that are not protobuf', () => {
    expectDecodeError(() => decodePayload(Buffer.from('this is not protobuf')), 'MALFORMED_PROTOBUF');
    expectDecodeError(() => decodePayload(new Uint8Array(12).fill(0xff)), 'MALFORMED_PROTOBUF');
    const truncated = encodePayload({ metrics: [{ name: 'a long metric name', datatype: 'String', value: 'abcdef' }] }).subarray(0, 10);
    expectDecodeError(() => decodePayload(truncated), 'MALFORMED_PROTOBUF');
  });

  it('rejects a datatype Sparkplug does not define, naming the metric', () => {
    const error = expectDecodeError(() => decodePayload(rawFrame({ metrics: [{ name: 'm', datatype: 99, intValue: 1 }] })), 'UNKNOWN_DATATYPE');
    expect(error.message).toMatch(/metric "m": datatype 99/);
    expectDecodeError(() => decodePayload(rawFrame({ metrics: [{ name: 'm', datatype: 0, intValue: 1 }] })), 'UNKNOWN_DATATYPE');
  });

  it('rejects a non-scalar datatype', () => {
    expectDecodeError(() => decodePayload(rawFrame({ metrics: [{ name: 'm', datatype: 17, bytesValue: [1] }] })), 'UNSUPPORTED_DATATYPE');
  });

  it('rejects a metric with no value that is not marked is_null', () => {
    const error = expectDecodeError(() => decodePayload(rawFrame({ metrics: [{ alias: 7, datatype: 3 }] })), 'VALUE_MISSING');
    expect(error.message).toMatch(/alias 7/);
  });

  it('rejects a value in the wrong field for its datatype', () => {
    expectDecodeError(() => decodePayload(rawFrame({ metrics: [{ name: 'm', datatype: 11, stringValue: 'true' }] })), 'VALUE_TYPE_MISMATCH');
  });

  it('rejects a value outside the range of its datatype', () => {
    expectDecodeError(() => decodePayload(rawFrame({ metrics: [{ name: 'm', datatype: 5, intValue: 300 }] })), 'VALUE_OUT_OF_RANGE');
  });

  it('rejects a property set whose keys and values differ in number', () => {
    const frame = rawFrame({ metrics: [{ name: 'm', datatype: 3, intValue: 1, properties: { keys: ['a', 'b'], values: [{ type: 3, intValue: 1 }] } }] });
    expectDecodeError(() => decodePayload(frame), 'PROPERTYSET_MISMATCH');
  });
});

describe('metrics without a datatype on the wire (DATA messages)', () => {
  const frame = rawFrame({ metrics: [{ alias: 1, timestamp: now, intValue: 0xffffffff }] });

  it('reads the value by its protobuf field when nothing else is known', () => {
    expect(decodePayload(frame).metrics[0]).toEqual({ alias: 1, timestamp: now, value: 4294967295 });
  });

  it('interprets the value with the datatype datatypeOf gives (e.g. from the birth)', () => {
    const decoded = decodePayload(frame, { datatypeOf: ({ alias }) => (alias === 1 ? 'Int32' : undefined) });
    expect(decoded.metrics[0]).toEqual({ alias: 1, timestamp: now, datatype: 'Int32', value: -1 });
  });

  it('accepts the narrow two\'s complement some encoders send for Int8', () => {
    const narrow = rawFrame({ metrics: [{ alias: 1, datatype: 1, intValue: 0xff }] });
    expect(decodePayload(narrow).metrics[0].value).toBe(-1);
  });
});

describe('interoperates with Eclipse Tahu sparkplug-payload', () => {
  // Tahu's JS library puts UInt32 in long_value; the spec (and we) use int_value, so Tahu reads our
  // UInt32 as 0. We decode Tahu's UInt32 either way (checked below).
  const tahuReadable = samples.filter(([type]) => type !== 'UInt32');

  it.each(tahuReadable)('Tahu decodes our %s metrics to the same values', (type, values) => {
    const metrics = metricsFor(type, values);
    const decoded = tahu.decodePayload(encodePayload({ timestamp: now, seq: 1, metrics }));
    expect(Number(decoded.seq)).toBe(1);
    expect(Number(decoded.timestamp)).toBe(now);
    // Tahu returns Int64 as a Long that may still be unsigned (its `instanceof Long` check fails
    // across copies of the long package), so compare the 64-bit two's complement pattern.
    const tahuValue = (value: unknown) => (type === 'Int64' ? BigInt.asIntN(64, exact(value) as bigint) : exact(value));
    expect(decoded.metrics!.map((m) => ({
      name: m.name, alias: Number(m.alias), timestamp: Number(m.timestamp), type: m.type, value: tahuValue(m.value),
    }))).toEqual(metrics.map((m) => ({
      name: m.name, alias: m.alias, timestamp: m.timestamp, type, value: type === 'Float' ? exact(Math.fround(m.value as number)) : exact(m.value),
    })));
  });

  it('Tahu decodes our nulls and properties', () => {
    const decoded = tahu.decodePayload(encodePayload({
      metrics: [
        { alias: 1, timestamp: now, datatype: 'Double', isNull: true, value: null },
        { alias: 2, timestamp: now, datatype: 'Int16', value: -3, isHistorical: true,
          properties: { engUnit: { type: 'String', value: 'bar' }, Quality: { type: 'Int32', value: 0 } } },
      ],
    }));
    expect(decoded.metrics![0].value).toBeNull();
    expect(decoded.metrics![1].value).toBe(-3);
    expect(decoded.metrics![1].isHistorical).toBe(true);
    expect(decoded.metrics![1].properties).toEqual({ engUnit: { type: 'String', value: 'bar' }, Quality: { type: 'Int32', value: 0 } });
  });

  it.each(samples)('we decode Tahu-encoded %s metrics to the same values', (type, values) => {
    const frame = tahu.encodePayload({
      timestamp: now,
      seq: 5,
      metrics: values.map((value, i) => ({
        name: `${type}/${i}`, alias: i, timestamp: now + i, type,
        // Tahu takes 64-bit values as numbers or Long-compatible strings.
        value: typeof value === 'bigint' ? (value.toString() as unknown as number) : value,
      })) as Parameters<typeof tahu.encodePayload>[0]['metrics'],
    });
    const decoded = decodePayload(frame);
    expect(decoded.seq).toBe(5);
    expect(decoded.metrics).toEqual(values.map((value, i) => ({
      name: `${type}/${i}`, alias: i, timestamp: now + i, datatype: type,
      value: type === 'Float' ? Math.fround(value as number) : value,
    })));
  });

  it('we decode Tahu-encoded nulls, properties and is_historical', () => {
    const frame = tahu.encodePayload({
      timestamp: now,
      seq: 0,
      metrics: [
        { name: 'a', type: 'Int32', value: null, timestamp: now },
        { name: 'b', type: 'Double', value: 2.5, timestamp: now, isHistorical: true,
          properties: { engUnit: { type: 'String', value: 'kg' }, Quality: { type: 'Int32', value: 192 } } },
      ],
    });
    expect(decodePayload(frame).metrics).toEqual([
      { name: 'a', datatype: 'Int32', isNull: true, value: null, timestamp: now },
      { name: 'b', datatype: 'Double', value: 2.5, timestamp: now, isHistorical: true,
        properties: { engUnit: { type: 'String', value: 'kg' }, Quality: { type: 'Int32', value: 192 } } },
    ]);
  });
});

describe('quality codes', () => {
  it('maps our qualities to the spec codes and back', () => {
    expect(sparkplugQuality).toEqual({ good: 192, uncertain: 500, bad: 0 });
    for (const [quality, code] of Object.entries(sparkplugQuality)) expect(qualityFromSparkplug(code)).toBe(quality);
    expect(qualityFromSparkplug(undefined)).toBe('good');
    expect(qualityFromSparkplug(64)).toBe('uncertain');
    expect(qualityFromSparkplug('bad')).toBe('uncertain');
  });
});
