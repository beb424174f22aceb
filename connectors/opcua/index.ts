export { OpcuaConnector, type OpcuaConnectorDeps, type OpcuaConnectorStats, type OpcuaTagValue } from './opcua-connector.ts';
export { parseNodeId, formatNodeId, checkNodeId, wellKnownNodeIds, type OpcuaNodeId, type NodeIdType, type ParsedNodeId } from './opcua-node-id.ts';
export { toTagScalar, toWriteValue, qualityOf, errorCodeOf } from './opcua-codec.ts';
export { buildTagTable, groupByInterval, type ConfiguredTag, type TagTable } from './opcua-tags.ts';
export {
  NodeOpcuaPort, createNodeOpcuaPort, toConnectorError,
  type OpcuaPort, type OpcuaPortFactory, type OpcuaSessionSettings, type OpcuaDataValue, type OpcuaNodeInfo,
  type MonitorRequest, type MonitorResult, type BrowseEntry, type NodeClassName,
} from './opcua-port.ts';
export { listCertificates, trustCertificate, pkiDirOf, type CertificateInfo, type CertificateListing } from './certificate-store.ts';
export { routeNodeOpcuaLogs } from './node-opcua-logs.ts';
