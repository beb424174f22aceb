/**
 * What the gateway needs to know about one connector protocol: how to build the connector and
 * which metrics, with which Sparkplug datatypes, its tags are published as. One entry per protocol, looked up
 * by the config's `protocol` field (STYLE.md rule 7).
 */
import type { ConnectorConfig } from '../../config/site-schema.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { Connector } from '../../connectors/connector.ts';
import type { CatalogTag } from '../north/metric-catalog.ts';

export interface ConnectorDeps {
  clock?: Clock;
  /** The gateway's PKI folder for connectors that hold certificates (OPC UA): `<dataDir>/pki`. */
  pkiDir?: string;
  logger?: {
    debug(obj: object, msg?: string): void;
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
}

export interface ProtocolEntry<C extends ConnectorConfig = ConnectorConfig> {
  create(config: C, deps: ConnectorDeps): Connector;
  /**
   * The metrics the device's DBIRTH announces: one per tag the connector reports (an S7 array
   * tag is one metric per element), each with the Sparkplug datatype its configuration implies.
   */
  catalogTags(config: C): CatalogTag[];
}
