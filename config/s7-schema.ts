/**
 * The S7 connector's configuration (nodes7 over ISO-on-TCP, PUT/GET access to non-optimized
 * data blocks). One of the connector kinds in site-schema.ts.
 * Address syntax is checked by the connector's validate() or an injected AddressCheck.
 */
import { z } from 'zod';
import { polledTagFields, reconnectSchema, tcpPort, topicLevel, type AddressCheck } from './schema-parts.ts';

/** nodes7 syntax: "DB1,REAL4", "DB1,X2.1", "DB5,INT6.10" (array), "DB3,S10.20" (STRING[20]). */
const createS7TagSchema = (check?: AddressCheck) => z.strictObject(polledTagFields(check));
export const s7TagSchema = createS7TagSchema();
export type S7TagConfig = z.infer<typeof s7TagSchema>;

export const s7ConnectionSchema = z.strictObject({
  host: z.string().min(1),
  port: tcpPort.default(102),
  /** S7-300: rack 0 slot 2; S7-1200/1500: rack 0 slot 1 (PUT/GET must be allowed on the CPU). */
  rack: z.number().int().min(0).max(7).default(0),
  slot: z.number().int().min(0).max(31).default(1),
});

export const createS7ConnectorSchema = (check?: AddressCheck) => z.strictObject({
  name: topicLevel,
  protocol: z.literal('s7'),
  connection: s7ConnectionSchema,
  timeoutMs: z.number().int().min(50).max(60_000).default(2000),
  pollIntervalMs: z.number().int().min(10).default(1000),
  reconnect: reconnectSchema.prefault({}),
  tags: z.array(createS7TagSchema(check)).min(1, 'a connector needs at least one tag'),
});
export const s7ConnectorSchema = createS7ConnectorSchema();
export type S7ConnectorConfig = z.infer<typeof s7ConnectorSchema>;
