/**
 * Why the ingest will not apply a frame: a stable reason (a stats key and log field) and a message
 * saying what was found. Thrown while a frame is handled, caught, counted and logged in one place.
 */
import {
  decodePayload, SparkplugDecodeError, type DataTypeName, type SparkplugErrorCode, type SparkplugPayload,
} from '../../connectors/sparkplug/index.ts';

/** Why a frame was rejected; stable strings (they are stats keys and log fields). */
export type RejectReason =
  | 'bad_topic' | 'malformed_payload' | 'unknown_datatype' | 'unsupported_datatype' | 'value_missing'
  | 'wrong_datatype' | 'propertyset_mismatch' | 'number_out_of_range' | 'unknown_alias' | 'unknown_metric'
  | 'wrong_device' | 'birth_incomplete' | 'duplicate_alias' | 'store_error' | 'internal_error';

const reasonOfDecodeError: Readonly<Record<SparkplugErrorCode, RejectReason>> = {
  MALFORMED_PROTOBUF: 'malformed_payload',
  UNKNOWN_DATATYPE: 'unknown_datatype',
  UNSUPPORTED_DATATYPE: 'unsupported_datatype',
  VALUE_MISSING: 'value_missing',
  VALUE_TYPE_MISMATCH: 'wrong_datatype',
  VALUE_OUT_OF_RANGE: 'wrong_datatype',
  PROPERTYSET_MISMATCH: 'propertyset_mismatch',
  NUMBER_OUT_OF_RANGE: 'number_out_of_range',
  DATATYPE_REQUIRED: 'wrong_datatype',
};

export class RejectedFrame extends Error {
  constructor(readonly reason: RejectReason, message: string) {
    super(message);
    this.name = 'RejectedFrame';
  }
}

/** decodePayload, with its errors as RejectedFrame. */
export function decodeFrame(buf: Uint8Array, datatypeOf?: (m: { name?: string; alias?: number }) => DataTypeName | undefined): SparkplugPayload {
  try {
    return decodePayload(buf, { datatypeOf });
  } catch (error) {
    if (error instanceof SparkplugDecodeError) throw new RejectedFrame(reasonOfDecodeError[error.code], error.message);
    throw error;
  }
}
