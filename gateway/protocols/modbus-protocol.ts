/**
 * Modbus in the gateway. A tag's Sparkplug datatype follows from its address type and scaling:
 * bits are Boolean; an unscaled float32 is Float and float64 Double; any non-integer scale or
 * offset gives Double; integer types (optionally scaled by integers) are Int32 when every raw value
 * still fits, else Int64.
 */
import type { ModbusConnectorConfig, ModbusTagConfig } from '../../config/site-schema.ts';
import { ModbusConnector, parseModbusAddress, type ModbusDataType } from '../../connectors/modbus/index.ts';
import type { ScalarDataTypeName } from '../../connectors/sparkplug/index.ts';
import type { ProtocolEntry } from './protocol-entry.ts';

/** Raw value range of each integer type; null for floating point, 'bool' for bits. */
const rawRange: Readonly<Record<ModbusDataType, readonly [number, number] | 'float' | 'bool'>> = {
  bool: 'bool',
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  float32: 'float',
  float64: 'float',
};

const INT32: readonly [number, number] = [-(2 ** 31), 2 ** 31 - 1];

export function modbusMetricDataType(tag: Pick<ModbusTagConfig, 'address' | 'scale' | 'offset'>): ScalarDataTypeName {
  const parsed = parseModbusAddress(tag.address);
  if (!parsed.ok) return 'Double'; // validate() reports the address; the gateway does not start
  const { type } = parsed.address;
  const range = rawRange[type];
  const scaled = tag.scale !== 1 || tag.offset !== 0;
  if (range === 'bool') return 'Boolean';
  if (range === 'float') return type === 'float32' && !scaled ? 'Float' : 'Double';
  if (!Number.isInteger(tag.scale) || !Number.isInteger(tag.offset)) return 'Double';
  const ends = range.map((raw) => raw * tag.scale + tag.offset);
  return Math.min(...ends) >= INT32[0] && Math.max(...ends) <= INT32[1] ? 'Int32' : 'Int64';
}

export const modbusProtocol: ProtocolEntry<ModbusConnectorConfig> = {
  create: (config, deps) => new ModbusConnector(config, { clock: deps.clock, logger: deps.logger }),
  metricDataType: (_config, tag) => modbusMetricDataType(tag),
};
