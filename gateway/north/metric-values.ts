/**
 * Fitting a tag value to its birth datatype. Values normally fit already (the datatype is derived
 * from the tag's configuration); this keeps one odd value (a float on an integer tag after a
 * config change, a NaN) from becoming an encode error that would block the whole outbox.
 */
import type { TagScalar, TagValue } from '../../connectors/connector.ts';
import type { ConnectorErrorCode } from '../../connectors/errors.ts';
import {
  ERROR_CODE_PROPERTY, QUALITY_PROPERTY, sparkplugQuality, type ScalarDataTypeName, type SparkplugMetric, type SparkplugPropertyValue,
} from '../../connectors/sparkplug/index.ts';

type Fit = (value: TagScalar) => number | boolean | string | undefined;

const finite = (v: TagScalar): number | undefined =>
  typeof v === 'number' ? (Number.isFinite(v) ? v : undefined) : typeof v === 'boolean' ? Number(v) : undefined;

function integer(min: number, max: number): Fit {
  return (v) => {
    const n = finite(v);
    if (n === undefined) return undefined;
    const r = Math.round(n);
    return r >= min && r <= max ? r : undefined;
  };
}

const real: Fit = (v) => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined);
const text: Fit = (v) => (v === null ? undefined : String(v));

const fits: Readonly<Record<ScalarDataTypeName, Fit>> = {
  Int8: integer(-128, 127),
  Int16: integer(-32768, 32767),
  Int32: integer(-(2 ** 31), 2 ** 31 - 1),
  Int64: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  UInt8: integer(0, 255),
  UInt16: integer(0, 65535),
  UInt32: integer(0, 2 ** 32 - 1),
  UInt64: integer(0, Number.MAX_SAFE_INTEGER),
  DateTime: integer(0, Number.MAX_SAFE_INTEGER),
  Float: real,
  Double: real,
  Boolean: (v) => (typeof v === 'boolean' ? v : typeof v === 'number' && !Number.isNaN(v) ? v !== 0 : undefined),
  String: text,
  Text: text,
  UUID: text,
};

/**
 * The value and quality to send: a value that cannot be represented is sent as null with BAD
 * quality, and `lost` tells the caller to count it.
 */
export function fitValue(value: TagScalar, datatype: ScalarDataTypeName): { value: number | boolean | string | null; lost: boolean } {
  if (value === null) return { value: null, lost: false };
  const fitted = fits[datatype](value);
  return fitted === undefined ? { value: null, lost: true } : { value: fitted, lost: false };
}

/** What a value that did not fit its datatype reports as its error code. */
const UNFIT_ERROR: ConnectorErrorCode = 'OUT_OF_RANGE';

/**
 * Value, isNull, and (only when not good) the Quality property plus, when the reading says why,
 * the errorCode property of one metric.
 */
export function metricValue(sample: Pick<TagValue, 'value' | 'quality' | 'error'>, datatype: ScalarDataTypeName): {
  fields: Pick<SparkplugMetric, 'value' | 'isNull' | 'properties'>;
  lost: boolean;
} {
  const { value, lost } = fitValue(sample.value, datatype);
  const quality = lost ? 'bad' : sample.quality;
  const fields: Pick<SparkplugMetric, 'value' | 'isNull' | 'properties'> = value === null ? { isNull: true } : { value };
  // Sparkplug 3.0 "Quality Codes": the property is only required when the quality is not GOOD;
  // Int32 [tck-id-payloads-propertyset-quality-value-type], 0/192/500 [...-quality-value-value].
  if (quality !== 'good') {
    fields.properties = { [QUALITY_PROPERTY]: qualityProperty(quality) };
    // A custom PropertySet key (Sparkplug 3.0 "PropertySet"), so a plant engineer sees why.
    const error = sample.error || (lost ? UNFIT_ERROR : undefined);
    if (error) fields.properties[ERROR_CODE_PROPERTY] = { type: 'String', value: error };
  }
  return { fields, lost };
}

export function qualityProperty(quality: TagValue['quality']): SparkplugPropertyValue {
  return { type: 'Int32', value: sparkplugQuality[quality] };
}
