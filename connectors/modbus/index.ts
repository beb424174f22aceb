export { ModbusConnector, type ModbusConnectorDeps, type ModbusConnectorStats } from './modbus-connector.ts';
export type { ConnectorLogger } from '../connector-logger.ts';
export { LinkSupervisor, type LinkSupervisorOptions } from '../link-supervisor.ts';
export {
  parseModbusAddress, formatModbusAddress, modbusAreas, modbusDataTypes,
  type ModbusAddress, type ModbusArea, type ModbusDataType, type ByteOrder, type ParsedAddress,
} from './modbus-address.ts';
export { decodeRegisters, encodeRegisters, encodeEngineering, toEngineering, toRaw, type Scaling } from './modbus-codec.ts';
export { planReads, maxBitsPerRequest, maxRegistersPerRequest, type PlanLimits, type PlannedTag, type ReadRequest, type PlannedItem } from './read-planner.ts';
export { buildTagTable, groupByInterval, type ConfiguredTag, type TagTable } from './modbus-tags.ts';
export {
  ModbusSerialPort, createModbusSerialPort, isMissingSerialport, toConnectorError,
  type ModbusPort, type ModbusPortFactory, type TcpTarget, type SerialSettings,
} from './modbus-port.ts';
