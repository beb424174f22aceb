/**
 * Siemens S7 in the gateway: the connector, and one metric per tag the connector reports (an
 * array address is one metric per element, as the connector names them), typed from the S7 type.
 */
import type { S7ConnectorConfig } from '../../config/site-schema.ts';
import { buildS7TagTable, S7Connector, type S7DataType } from '../../connectors/s7/index.ts';
import { metricDataType, type RawKind } from './metric-datatype.ts';
import type { ProtocolEntry } from './protocol-entry.ts';

const rawKinds: Readonly<Record<S7DataType, RawKind>> = {
  X: 'bool',
  BYTE: [0, 0xff],
  CHAR: 'string',
  WORD: [0, 0xffff],
  INT: [-0x8000, 0x7fff],
  DWORD: [0, 0xffffffff],
  DINT: [-0x80000000, 0x7fffffff],
  REAL: 'float32',
  LREAL: 'float64',
  STRING: 'string',
};

export const s7Protocol: ProtocolEntry<S7ConnectorConfig> = {
  create: (config, deps) => new S7Connector(config, { clock: deps.clock, logger: deps.logger }),
  catalogTags: (config) => [...buildS7TagTable(config.tags).tags].map(([name, { config: tag, address }]) => ({
    name,
    // An unparsable address is reported by validate() and the gateway does not start.
    datatype: address ? metricDataType(rawKinds[address.type], tag) : 'Double',
    ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
  })),
};
