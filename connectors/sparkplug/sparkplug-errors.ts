/**
 * One catalogue of Sparkplug codec errors. Codes are stable (the cloud ingest counts rejected
 * frames by them); messages name the metric and what was expected.
 */
export const sparkplugErrors = {
  MALFORMED_PROTOBUF: 'The bytes are not a Sparkplug B protobuf payload.',
  UNKNOWN_DATATYPE: 'The datatype number is not one the Sparkplug 3.0 DataType enum defines.',
  UNSUPPORTED_DATATYPE: 'The datatype is valid Sparkplug but not a scalar; this codec carries numbers, booleans and strings only.',
  VALUE_MISSING: 'A metric has no value and is not marked is_null.',
  VALUE_TYPE_MISMATCH: 'The value does not fit the declared datatype.',
  VALUE_OUT_OF_RANGE: 'The value is outside the range of the declared datatype.',
  PROPERTYSET_MISMATCH: 'A PropertySet must have as many values as keys.',
  NUMBER_OUT_OF_RANGE: 'A timestamp, alias or sequence number does not fit a JavaScript number.',
  DATATYPE_REQUIRED: 'A non-null value needs a datatype to be encoded.',
} as const;

export type SparkplugErrorCode = keyof typeof sparkplugErrors;

/** Thrown by decodePayload: the frame must be rejected. */
export class SparkplugDecodeError extends Error {
  readonly code: SparkplugErrorCode;
  constructor(code: SparkplugErrorCode, detail: string) {
    super(`${detail} (${code}: ${sparkplugErrors[code]})`);
    this.name = 'SparkplugDecodeError';
    this.code = code;
  }
}

/** Thrown by encodePayload: the caller built a metric that cannot be sent as declared. */
export class SparkplugEncodeError extends Error {
  readonly code: SparkplugErrorCode;
  constructor(code: SparkplugErrorCode, detail: string) {
    super(`${detail} (${code}: ${sparkplugErrors[code]})`);
    this.name = 'SparkplugEncodeError';
    this.code = code;
  }
}
