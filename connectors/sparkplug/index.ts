/** Sparkplug B 3.0: payload codec, datatypes and topic namespace. */
export {
  encodePayload, decodePayload,
  type SparkplugPayload, type SparkplugMetric, type SparkplugPropertyValue, type DecodeOptions,
} from './sparkplug-codec.ts';
export {
  DATA_TYPES, dataTypeById, dataTypeByName, isDataTypeName, isScalarDataType,
  type DataTypeName, type ScalarDataTypeName, type DataTypeInfo, type ValueField,
} from './sparkplug-datatypes.ts';
export { SparkplugDecodeError, SparkplugEncodeError, sparkplugErrors, type SparkplugErrorCode } from './sparkplug-errors.ts';
export {
  SPARKPLUG_NAMESPACE, sparkplugTopic, sparkplugStateTopic, parseSparkplugTopic, sparkplugIdProblem, SparkplugTopicError,
  type SparkplugMessageType, type SparkplugNodeMessageType, type SparkplugDeviceMessageType,
  type ParsedSparkplugTopic, type SparkplugTopicProblem, type SparkplugTopicParts,
} from './sparkplug-topic.ts';
export { QUALITY_PROPERTY, ERROR_CODE_PROPERTY, sparkplugQuality, qualityFromSparkplug, type SparkplugQualityCode } from './sparkplug-quality.ts';
export { encodeHostState, decodeHostState, type HostStatePayload } from './sparkplug-state.ts';
