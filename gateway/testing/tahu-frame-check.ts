/**
 * One Sparkplug B frame decoded twice, by Eclipse Tahu's JavaScript library (sparkplug-payload)
 * and by our codec, each reduced to the same comparable text, and the first place where the two
 * differ. What a host built on Tahu would read from our frames is what this compares.
 *
 * Tahu reports datatypes by name and 64-bit numbers as Long objects; values are compared as exact
 * text (integers through BigInt, floats by their shortest round-trip text, -0 and NaN included).
 * Two datatypes Tahu's JS library reads differently from the spec are listed in `tahuQuirks`,
 * with what is compared instead; every other field is Tahu's own reading.
 */
import { get as tahuNamespace } from 'sparkplug-payload';
import tahuProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { dataTypeById, decodePayload, type DataTypeName, type SparkplugPayload } from '../../connectors/sparkplug/index.ts';

const tahu = tahuNamespace('spBv1.0')!;
/** Tahu's protobuf layer (its generated decoder for sparkplug_b.proto), below its value mapping. */
const TahuWirePayload = tahuProto.org.eclipse.tahu.protobuf.Payload;

type TahuPayload = ReturnType<typeof tahu.decodePayload>;
type TahuWireMetric = ReturnType<typeof TahuWirePayload.decode>['metrics'][number];

export interface MetricView {
  name: string;
  alias: string;
  timestamp: string;
  /** Datatype name; for Tahu, the name its decoder gives. */
  datatype: string;
  /** The wire datatype number read by Tahu's protobuf decoder, named through the spec's table. */
  wireDatatype: string;
  value: string;
  isNull: string;
  isHistorical: string;
  isTransient: string;
  /** key -> "type value", sorted by key. */
  properties: string;
}

export interface FrameView {
  timestamp: string;
  seq: string;
  metricCount: string;
  metrics: MetricView[];
}

export interface FrameComparison {
  tahu?: FrameView;
  ours?: FrameView;
  /** The first difference, e.g. `metric[3] (alias 11) value: Tahu "18446744073709551615", ours "-1"`. */
  mismatch?: string;
}

const absent = '(absent)';
const integerTypes = new Set<string>(['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'DateTime']);
const floatTypes = new Set<string>(['Float', 'Double']);

/**
 * Where sparkplug-payload 1.0.3 reads a datatype differently from Sparkplug 3.0, and what is
 * compared instead (STYLE rule 7: a table, not a branch per type).
 */
export const tahuQuirks: Readonly<Partial<Record<DataTypeName, { why: string; read: (tahuValue: unknown, wire: TahuWireMetric) => unknown }>>> = {
  Int64: {
    why: 'Tahu means to return longValue.toSigned(), but its `instanceof Long` check fails (its Long and its protobufjs\'s are '
      + 'different copies of the `long` package), so a negative Int64 comes back as the unsigned 64-bit pattern; that pattern is '
      + 'compared as signed 64-bit',
    read: (tahuValue) => (tahuValue === null ? null : BigInt.asIntN(64, BigInt(String(tahuValue)))),
  },
  UInt32: {
    why: 'Tahu reads UInt32 from long_value, where the spec (and we) put it in int_value, so Tahu\'s value is null; the int_value '
      + 'Tahu\'s own protobuf decoder reads is compared instead',
    read: (_tahuValue, wire) => (wire.isNull === true ? null : wire.intValue),
  },
};

function text(value: unknown): string {
  if (value === undefined) return absent;
  if (value === null) return 'null';
  return String(value);
}

/** A value as exact text for its datatype: integers via BigInt, floats keep -0 and NaN, strings quoted. */
function valueText(value: unknown, datatype: string): string {
  if (value === null || value === undefined) return text(value);
  if (integerTypes.has(datatype) && (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'object')) {
    return BigInt(String(value)).toString();
  }
  if (floatTypes.has(datatype) && typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

function propertiesText(properties: Record<string, { type?: unknown; value?: unknown }> | undefined): string {
  if (properties === undefined) return absent;
  return Object.keys(properties).sort()
    .map((key) => {
      const type = typeName(properties[key].type);
      return `${key}=${type} ${valueText(properties[key].value, type)}`;
    })
    .join('; ');
}

/** Tahu gives datatype names; a number (older Tahu builds) is named through the spec's table. */
function typeName(type: unknown): string {
  if (typeof type === 'number') return dataTypeById[type]?.name ?? `unknown datatype ${type}`;
  return text(type);
}

function tahuView(payload: TahuPayload, wire: ReturnType<typeof TahuWirePayload.decode>): FrameView {
  const metrics = (payload.metrics ?? []).map((m, i): MetricView => {
    const datatype = typeName(m.type);
    const wireMetric = wire.metrics[i];
    const quirk = tahuQuirks[datatype as DataTypeName];
    const value = quirk ? quirk.read(m.value, wireMetric) : m.value;
    return {
      name: text(m.name),
      alias: text(m.alias),
      timestamp: text(m.timestamp),
      datatype,
      wireDatatype: wireMetric.datatype === undefined || wireMetric.datatype === null ? absent : typeName(wireMetric.datatype),
      value: valueText(value, datatype),
      // Tahu has no is_null of its own: its value is null exactly when the frame says is_null.
      isNull: String(value === null),
      isHistorical: String(m.isHistorical === true),
      isTransient: String(m.isTransient === true),
      properties: propertiesText(m.properties as Record<string, { type?: unknown; value?: unknown }> | undefined),
    };
  });
  return { timestamp: text(payload.timestamp), seq: text(payload.seq), metricCount: String(metrics.length), metrics };
}

function ourView(payload: SparkplugPayload, wire: ReturnType<typeof TahuWirePayload.decode>): FrameView {
  const metrics = payload.metrics.map((m, i): MetricView => {
    const datatype = text(m.datatype);
    const wireMetric = wire.metrics[i];
    return {
      name: text(m.name),
      alias: text(m.alias),
      timestamp: text(m.timestamp),
      datatype,
      wireDatatype: wireMetric.datatype === undefined || wireMetric.datatype === null ? absent : typeName(wireMetric.datatype),
      value: valueText(m.value ?? null, datatype),
      isNull: String(m.isNull === true),
      isHistorical: String(m.isHistorical === true),
      isTransient: String(m.isTransient === true),
      properties: propertiesText(m.properties),
    };
  });
  return { timestamp: text(payload.timestamp), seq: text(payload.seq), metricCount: String(metrics.length), metrics };
}

/** Structural checks on Tahu's protobuf reading that neither view shows: PropertySet keys and values pair up. */
function wireProblem(wire: ReturnType<typeof TahuWirePayload.decode>): string | undefined {
  for (const [i, m] of wire.metrics.entries()) {
    const set = m.properties;
    if (set && (set.keys?.length ?? 0) !== (set.values?.length ?? 0)) {
      return `metric[${i}] PropertySet has ${set.keys?.length ?? 0} keys but ${set.values?.length ?? 0} values`;
    }
  }
  return undefined;
}

function label(m: MetricView): string {
  return m.name !== absent ? `"${m.name}"` : `alias ${m.alias}`;
}

export function compareWithTahu(bytes: Uint8Array): FrameComparison {
  let wire: ReturnType<typeof TahuWirePayload.decode>;
  let tahuPayload: TahuPayload;
  try {
    wire = TahuWirePayload.decode(bytes);
    tahuPayload = tahu.decodePayload(bytes);
  } catch (error) {
    return { mismatch: `Tahu cannot decode the frame: ${String(error)}` };
  }
  let oursPayload: SparkplugPayload;
  try {
    oursPayload = decodePayload(bytes);
  } catch (error) {
    return { mismatch: `our decoder cannot decode the frame: ${String(error)}` };
  }
  const tahuSide = tahuView(tahuPayload, wire);
  const ours = ourView(oursPayload, wire);
  const differ = (what: string, a: string, b: string) => `${what}: Tahu ${a}, ours ${b}`;
  const problem = wireProblem(wire);
  if (problem) return { tahu: tahuSide, ours, mismatch: problem };
  for (const field of ['timestamp', 'seq', 'metricCount'] as const) {
    if (tahuSide[field] !== ours[field]) return { tahu: tahuSide, ours, mismatch: differ(`payload ${field}`, tahuSide[field], ours[field]) };
  }
  for (const [i, t] of tahuSide.metrics.entries()) {
    const o = ours.metrics[i];
    for (const field of Object.keys(t) as (keyof MetricView)[]) {
      if (t[field] !== o[field]) return { tahu: tahuSide, ours, mismatch: differ(`metric[${i}] (${label(o)}) ${field}`, t[field], o[field]) };
    }
    if (o.datatype !== o.wireDatatype) {
      return { tahu: tahuSide, ours, mismatch: `metric[${i}] (${label(o)}): our datatype ${o.datatype}, wire datatype ${o.wireDatatype}` };
    }
  }
  return { tahu: tahuSide, ours };
}
