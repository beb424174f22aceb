/**
 * What the gateway needs to know about one connector protocol: how to build the connector and
 * which Sparkplug datatype each configured tag is published as. One entry per protocol, looked up
 * by the config's `protocol` field (STYLE.md rule 7).
 */
import type { ConnectorConfig } from '../../config/site-schema.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { Connector } from '../../connectors/connector.ts';
import type { ScalarDataTypeName } from '../../connectors/sparkplug/index.ts';

export interface ConnectorDeps {
  clock?: Clock;
  logger?: {
    debug(obj: object, msg?: string): void;
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
}

export interface ProtocolEntry<C extends ConnectorConfig = ConnectorConfig> {
  create(config: C, deps: ConnectorDeps): Connector;
  /** The Sparkplug datatype of a tag, derived from its configuration (decided per protocol). */
  metricDataType(config: C, tag: C['tags'][number]): ScalarDataTypeName;
}
