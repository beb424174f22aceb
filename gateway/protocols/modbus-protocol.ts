/** Modbus in the gateway: the connector, and each tag's Sparkplug datatype from its address type. */
import type { ModbusConnectorConfig, ModbusTagConfig } from '../../config/site-schema.ts';
import { ModbusConnector, parseModbusAddress, type ModbusDataType } from '../../connectors/modbus/index.ts';
import type { ScalarDataTypeName } from '../../connectors/sparkplug/index.ts';
import { metricDataType, type RawKind } from './metric-datatype.ts';
import type { ProtocolEntry } from './protocol-entry.ts';

const rawKinds: Readonly<Record<ModbusDataType, RawKind>> = {
  bool: 'bool',
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  float32: 'float32',
  float64: 'float64',
};

export function modbusMetricDataType(tag: Pick<ModbusTagConfig, 'address' | 'scale' | 'offset'>): ScalarDataTypeName {
  const parsed = parseModbusAddress(tag.address);
  if (!parsed.ok) return 'Double'; // validate() reports the address; the gateway does not start
  return metricDataType(rawKinds[parsed.address.type], tag);
}

export const modbusProtocol: ProtocolEntry<ModbusConnectorConfig> = {
  create: (config, deps) => new ModbusConnector(config, { clock: deps.clock, logger: deps.logger }),
  catalogTags: (config) => config.tags.map((tag) => ({
    name: tag.name,
    datatype: modbusMetricDataType(tag),
    ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
  })),
};
