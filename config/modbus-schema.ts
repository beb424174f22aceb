/** The Modbus connector's configuration (TCP or RTU). */
import { z } from 'zod';
import { polledTagFields, reconnectSchema, tcpPort, topicLevel, type AddressCheck } from './schema-parts.ts';

/** Addresses like "hr:0", "ir:10:float32", "hr:4:float32:CDAB", "co:3", "di:0". */
const createModbusTagSchema = (check?: AddressCheck) => z.strictObject(polledTagFields(check));
export const modbusTagSchema = createModbusTagSchema();
export type ModbusTagConfig = z.infer<typeof modbusTagSchema>;

export const modbusTcpSchema = z.strictObject({
  transport: z.literal('tcp'),
  host: z.string().min(1),
  port: tcpPort.default(502),
});
export const modbusRtuSchema = z.strictObject({
  transport: z.literal('rtu'),
  path: z.string().min(1, 'serial device path, e.g. /dev/ttyUSB0'),
  baudRate: z.union([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].map((b) => z.literal(b)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>]).default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});

export const createModbusConnectorSchema = (check?: AddressCheck) => z.strictObject({
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

