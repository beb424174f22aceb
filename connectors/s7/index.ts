export { S7Connector, type S7ConnectorDeps, type S7ConnectorStats } from './s7-connector.ts';
export {
  parseS7Address, formatS7Address, elementsOf, elementBytes, s7DataTypes,
  type S7Address, type S7DataType, type S7TypeInfo, type ParsedS7Address,
} from './s7-address.ts';
export { toEngineering, toRaw, type Scaling } from './s7-codec.ts';
export { buildS7TagTable, groupS7TagsByInterval, type S7ConfiguredTag, type S7TagTable } from './s7-tags.ts';
export { NodeS7Port, createNodeS7Port, type S7Port, type S7PortFactory, type S7Target, type S7ItemResult } from './s7-port.ts';
export { importTiaDbSource, tokenizeDbSource, type ImportedTag, type SkippedMember, type TiaImportResult, type TiaImportOptions } from './tia-db-import.ts';
