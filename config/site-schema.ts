/**
 * The site (gateway) configuration: what one edge daemon connects to and where it reports.
 * Address syntax is checked by each connector's validate(); this schema checks shape and ranges.
 */
import { z } from 'zod';
import { createModbusConnectorSchema } from './modbus-schema.ts';
import { createOpcuaConnectorSchema } from './opcua-schema.ts';
import { createS7ConnectorSchema } from './s7-schema.ts';
import { reconnectSchema, topicLevel, type AddressCheck } from './schema-parts.ts';
import { clientTlsSchema, pemFile } from './tls-schema.ts';

export { reconnectSchema, type ReconnectConfig, type AddressCheck } from './schema-parts.ts';
export {
  modbusConnectorSchema, modbusTagSchema, modbusTcpSchema, modbusRtuSchema,
  type ModbusConnectorConfig, type ModbusTagConfig,
} from './modbus-schema.ts';
export { s7ConnectorSchema, s7TagSchema, type S7ConnectorConfig, type S7TagConfig } from './s7-schema.ts';
export {
  opcuaConnectorSchema, opcuaTagSchema, opcuaAuthSchema, opcuaScalarTypes, opcuaSecurityModes, opcuaSecurityPolicies, effectiveSecurityPolicy,
  type OpcuaConnectorConfig, type OpcuaTagConfig, type OpcuaAuthConfig, type OpcuaScalarType, type OpcuaSecurityMode, type OpcuaSecurityPolicy,
} from './opcua-schema.ts';

/** Per-protocol address checks, injected by the caller (see AddressCheck). */
export type AddressChecks = Partial<Record<'modbus' | 's7' | 'opcua', AddressCheck>>;

const createConnectorSchema = (checks: AddressChecks) => z.discriminatedUnion('protocol', [
  createModbusConnectorSchema(checks.modbus),
  createS7ConnectorSchema(checks.s7),
  createOpcuaConnectorSchema(checks.opcua),
]);
export const connectorSchema = createConnectorSchema({});
export type ConnectorConfig = z.infer<typeof connectorSchema>;

export const northSchema = z.strictObject({
  /** mqtt://host:port or mqtts://host:port */
  url: z.string().regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'expected mqtt://host:port or mqtts://host:port'),
  username: z.string().optional(),
  password: z.string().optional(),
  clientId: z.string().optional(),
  keepaliveS: z.number().int().min(5).max(3600).default(30),
  /** Largest number of samples taken from the outbox into one publish cycle. */
  batchSize: z.number().int().min(1).max(10_000).default(1000),
  /** Largest number of metrics in one DDATA frame. */
  maxMetricsPerFrame: z.number().int().min(1).max(5000).default(500),
  reconnect: reconnectSchema.prefault({}),
  /** For an mqtts:// url: which CA to trust, optionally a client certificate. */
  tls: clientTlsSchema.optional(),
  /** MQTT protocol level: 4 = MQTT 3.1.1, 5 = MQTT 5. */
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
  /**
   * Sparkplug host_id of the primary host application (the cloud's ingest.hostId). When set, the
   * edge node publishes only while that host's STATE says online; unset, it publishes whenever
   * the broker is up.
   */
  primaryHostId: topicLevel.optional(),
  /** Store-and-forward replay: how fast the backlog is sent (flagged historical) beside live data. */
  replay: z.strictObject({
    /** Samples per second taken from the backlog; live data is sent first and is not limited. */
    pointsPerS: z.number().int().min(1).max(1_000_000).default(20_000),
  }).prefault({}),
  /** How often the node publishes its outbox figures (NDATA 'Outbox/...'). */
  statusIntervalS: z.number().int().min(1).max(3600).default(5),
}).refine((north) => north.tls === undefined || north.url.startsWith('mqtts://'), {
  path: ['tls'], message: 'tls is set but the url is not mqtts://; use mqtts://host:port', params: { verbatim: true },
});

export const outboxSchema = z.strictObject({
  /** SQLite file; defaults to <dataDir>/outbox.sqlite */
  path: z.string().optional(),
  /** Budget for queued data; when full the oldest rows are dropped and counted. */
  maxBytes: z.number().int().min(64 * 1024).default(256 * 1024 * 1024),
});

/**
 * Scanners and MQTT shelf sensors (issue 6): the gateway's local device broker and the master data
 * it decides scans with until the cloud syncs its own.
 */
export const scanningSchema = z.strictObject({
  broker: z.strictObject({
    /** Where plant devices connect; 127.0.0.1 keeps it on this machine, 0.0.0.0 opens it to the plant network. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Plain MQTT; 0 picks a free port. */
    port: z.number().int().min(0).max(65535).default(1884),
    /** MQTTS beside the plain port: a PEM certificate (chain) and its key. */
    tls: z.strictObject({ port: z.number().int().min(0).max(65535), certFile: pemFile, keyFile: pemFile }).optional(),
  }).prefault({}),
  /**
   * The seed master data (`*.master-data.yaml`, relative to this config file), loaded when the
   * gateway's cache holds nothing yet; the cloud's syncs replace it.
   */
  masterData: z.string().regex(/\.master-data\.ya?ml$/, 'expected a master data file such as demo-plant.master-data.yaml').optional(),
});
export type ScanningConfig = z.infer<typeof scanningSchema>;

export const createSiteConfigSchema = (checks: AddressChecks = {}) => z.strictObject({
  site: z.strictObject({
    id: topicLevel,
    name: z.string().optional(),
  }),
  gateway: z.strictObject({
    /** Sparkplug group id */
    group: topicLevel,
    /** Sparkplug edge node id */
    edge: topicLevel,
    dataDir: z.string().default('./data/gateway'),
    http: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8081) }).prefault({}),
  }),
  north: northSchema,
  outbox: outboxSchema.prefault({}),
  connectors: z.array(createConnectorSchema(checks)).min(1, 'a gateway needs at least one connector'),
  /**
   * The rule pack the gateway runs until the cloud pushes one (rules.apply): a `*.rules.yaml`
   * file, relative to this config file; it names its glossary (rules/rule-pack.ts).
   */
  rules: z.strictObject({ file: z.string().regex(/\.rules\.ya?ml$/, 'expected a rule pack file such as demo-plant.rules.yaml') }).optional(),
  /** The local device broker and scan decisions; absent: this gateway takes no scans. */
  scanning: scanningSchema.optional(),
});
export const siteConfigSchema = createSiteConfigSchema();
export type SiteConfig = z.infer<typeof siteConfigSchema>;
