/**
 * The site (gateway) configuration: what one edge daemon connects to and where it reports.
 * Address syntax is checked by each connector's validate(); this schema checks shape and ranges.
 */
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, {
  message: 'use letters, digits and . _ - / (no spaces, no "+" or "#": names become MQTT topic levels)',
});
const topicLevel = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-]*$/, {
  message: 'use letters, digits and . _ - (a Sparkplug topic level: no "/", "+" or "#")',
});
const port = z.number().int().min(1).max(65535);

export const reconnectSchema = z.strictObject({
  initialDelayMs: z.number().int().min(10).default(500),
  maxDelayMs: z.number().int().min(100).default(30_000),
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: z.number().min(0).max(1).default(0.2),
});
export type ReconnectConfig = z.infer<typeof reconnectSchema>;

/**
 * Checks one tag address; returns what is wrong, or undefined. The connectors own address
 * syntax, and config/ imports nothing of the project, so the caller injects them: then schema
 * and address problems are reported together in one pass.
 */
export type AddressCheck = (address: string) => string | undefined;
export type AddressChecks = Partial<Record<'modbus', AddressCheck>>;

const addressSchema = (check: AddressCheck | undefined) => z.string().min(1).superRefine((address, ctx) => {
  const problem = check?.(address);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { verbatim: true } });
});

const createModbusTagSchema = (check?: AddressCheck) => z.strictObject({
  name,
  /** e.g. "hr:0", "ir:10:float32", "hr:4:float32:CDAB", "co:3", "di:0" */
  address: addressSchema(check),
  /** engineering value = raw * scale + offset */
  scale: z.number().refine((v) => v !== 0, 'scale must not be 0 (writes divide by it)').default(1),
  offset: z.number().default(0),
  unit: z.string().max(32).optional(),
  /** Poll interval of this tag; defaults to the connector's pollIntervalMs. */
  intervalMs: z.number().int().min(10).optional(),
  /** Report a new value only when it moved by more than this (engineering units). 0 reports every change. */
  deadband: z.number().min(0).default(0),
  description: z.string().optional(),
});
export const modbusTagSchema = createModbusTagSchema();
export type ModbusTagConfig = z.infer<typeof modbusTagSchema>;

export const modbusTcpSchema = z.strictObject({
  transport: z.literal('tcp'),
  host: z.string().min(1),
  port: port.default(502),
});
export const modbusRtuSchema = z.strictObject({
  transport: z.literal('rtu'),
  path: z.string().min(1, 'serial device path, e.g. /dev/ttyUSB0'),
  baudRate: z.union([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].map((b) => z.literal(b)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>]).default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});

const createModbusConnectorSchema = (check?: AddressCheck) => z.strictObject({
  name: topicLevel,
  protocol: z.literal('modbus'),
  connection: z.discriminatedUnion('transport', [modbusTcpSchema, modbusRtuSchema]),
  unitId: z.number().int().min(0).max(255).default(1),
  timeoutMs: z.number().int().min(50).max(60_000).default(2000),
  pollIntervalMs: z.number().int().min(10).default(1000),
  /** Largest request the read planner may build (the protocol allows 125 registers, 2000 bits). */
  maxRegistersPerRead: z.number().int().min(1).max(125).default(125),
  /** Registers between two tags that the planner may read and discard to save a request. */
  maxGapRegisters: z.number().int().min(0).max(100).default(8),
  reconnect: reconnectSchema.prefault({}),
  tags: z.array(createModbusTagSchema(check)).min(1, 'a connector needs at least one tag'),
});
export const modbusConnectorSchema = createModbusConnectorSchema();
export type ModbusConnectorConfig = z.infer<typeof modbusConnectorSchema>;

export const connectorSchema = z.discriminatedUnion('protocol', [modbusConnectorSchema]);
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
});

export const outboxSchema = z.strictObject({
  /** SQLite file; defaults to <dataDir>/outbox.sqlite */
  path: z.string().optional(),
  /** Budget for queued data; when full the oldest rows are dropped and counted. */
  maxBytes: z.number().int().min(64 * 1024).default(256 * 1024 * 1024),
});

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
  connectors: z.array(z.discriminatedUnion('protocol', [createModbusConnectorSchema(checks.modbus)]))
    .min(1, 'a gateway needs at least one connector'),
});
export const siteConfigSchema = createSiteConfigSchema();
export type SiteConfig = z.infer<typeof siteConfigSchema>;
