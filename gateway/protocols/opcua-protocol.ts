/**
 * OPC UA in the gateway: the connector with its PKI store under the gateway's data dir, and each
 * tag's Sparkplug datatype from the DataType the config declares (`dataType`, default Double).
 * The config decides because DBIRTH goes out before any server has answered; the rule is the
 * one Modbus and S7 use (metric-datatype.ts), so a UInt32 counter is an Int64 metric here as a
 * Modbus uint32 or an S7 DWORD is.
 */
import type { OpcuaConnectorConfig, OpcuaScalarType } from '../../config/site-schema.ts';
import { ConnectorError } from '../../connectors/errors.ts';
import { OpcuaConnector, type OpcuaPort } from '../../connectors/opcua/index.ts';
import type { ScalarDataTypeName } from '../../connectors/sparkplug/index.ts';
import { metricDataType, type RawKind } from './metric-datatype.ts';
import type { ProtocolEntry } from './protocol-entry.ts';

const rawKinds: Readonly<Record<OpcuaScalarType, RawKind>> = {
  Boolean: 'bool',
  SByte: [-128, 127],
  Byte: [0, 255],
  Int16: [-32768, 32767],
  UInt16: [0, 65535],
  Int32: [-(2 ** 31), 2 ** 31 - 1],
  UInt32: [0, 2 ** 32 - 1],
  Int64: [-(2 ** 63), 2 ** 63 - 1],
  // An Int64 metric: the connector decodes 64-bit words exactly up to 2^53, plant counters stay below.
  UInt64: [0, 2 ** 64 - 1],
  Float: 'float32',
  Double: 'float64',
  String: 'string',
  // The connector reports these as text (opcua-codec.ts): DateTime as ISO 8601.
  DateTime: 'string',
  LocalizedText: 'string',
  QualifiedName: 'string',
  Guid: 'string',
};

export function opcuaMetricDataType(dataType: OpcuaScalarType): ScalarDataTypeName {
  return metricDataType(rawKinds[dataType], { scale: 1, offset: 0 });
}

/**
 * The port of a connector built without a PKI folder: validateSiteConfig builds connectors only
 * to call validate(). Connecting one is a bug; it must not create a certificate store in some
 * default folder, so it fails instead.
 */
function portWithoutPki(): OpcuaPort {
  const refuse = async (): Promise<never> => {
    throw new ConnectorError('LINK_DOWN', 'this OPC UA connector was built without a PKI folder (ConnectorDeps.pkiDir, normally <dataDir>/pki) and cannot connect');
  };
  return {
    connect: refuse, read: refuse, nodeInfo: refuse, write: refuse, subscribe: refuse, browse: refuse,
    close: async () => undefined,
    dispose: async () => undefined,
    onLinkLost: () => undefined,
  };
}

export const opcuaProtocol: ProtocolEntry<OpcuaConnectorConfig> = {
  create: (config, deps) => new OpcuaConnector(config, {
    pkiDir: deps.pkiDir ?? '',
    ...(deps.pkiDir === undefined ? { portFactory: portWithoutPki } : {}),
    clock: deps.clock,
    logger: deps.logger,
  }),
  catalogTags: (config) => config.tags.map((tag) => ({
    name: tag.name,
    datatype: opcuaMetricDataType(tag.dataType),
    ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
  })),
};
