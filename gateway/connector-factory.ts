/**
 * Connectors by protocol: one lookup table (STYLE.md rule 7). Adding a protocol means adding its
 * entry here and its schema in config/site-schema.ts.
 */
import type { ConnectorConfig } from '../config/site-schema.ts';
import type { Connector } from '../connectors/connector.ts';
import type { CatalogDevice } from './north/metric-catalog.ts';
import { modbusProtocol } from './protocols/modbus-protocol.ts';
import { opcuaProtocol } from './protocols/opcua-protocol.ts';
import { s7Protocol } from './protocols/s7-protocol.ts';
import type { ConnectorDeps, ProtocolEntry } from './protocols/protocol-entry.ts';

type Protocols = { [P in ConnectorConfig['protocol']]: ProtocolEntry<Extract<ConnectorConfig, { protocol: P }>> };

export const protocols: Protocols = {
  modbus: modbusProtocol,
  s7: s7Protocol,
  opcua: opcuaProtocol,
};

export function protocolEntry(protocol: string): ProtocolEntry | undefined {
  return Object.hasOwn(protocols, protocol) ? (protocols as unknown as Record<string, ProtocolEntry>)[protocol] : undefined;
}

export function knownProtocols(): string[] {
  return Object.keys(protocols);
}

/** Builds the connector for one config entry. Throws for an unknown protocol (validateSiteConfig reports it first). */
export function createConnector(config: ConnectorConfig, deps: ConnectorDeps = {}): Connector {
  const entry = protocolEntry(config.protocol);
  if (!entry) throw new Error(`Unknown connector protocol "${config.protocol}"; expected one of ${knownProtocols().join(', ')}`);
  return entry.create(config, deps);
}

/** What the edge node announces in the device's DBIRTH. */
export function describeDevice(config: ConnectorConfig): CatalogDevice {
  const entry = protocolEntry(config.protocol);
  if (!entry) throw new Error(`Unknown connector protocol "${config.protocol}"`);
  return { name: config.name, protocol: config.protocol, tags: entry.catalogTags(config) };
}
