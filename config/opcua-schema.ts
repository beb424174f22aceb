/**
 * The OPC UA connector's configuration (node-opcua client: one session, one subscription for
 * subscribe-mode tags, reads for poll-mode tags). One of the connector kinds in site-schema.ts.
 * NodeId syntax is checked by the connector's validate() or an injected AddressCheck
 * (connectors/opcua/opcua-node-id.ts checkNodeId).
 */
import { z } from 'zod';
import { addressSchema, reconnectSchema, tagName, topicLevel, type AddressCheck } from './schema-parts.ts';

export const opcuaSecurityModes = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const opcuaSecurityPolicies = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export type OpcuaSecurityMode = (typeof opcuaSecurityModes)[number];
export type OpcuaSecurityPolicy = (typeof opcuaSecurityPolicies)[number];

export const opcuaAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('anonymous') }),
  z.strictObject({ type: z.literal('username'), username: z.string().min(1), password: z.string() }),
]);
export type OpcuaAuthConfig = z.infer<typeof opcuaAuthSchema>;

/**
 * The built-in types (OPC 10000-6 5.1.2) whose values the connector reports as scalars
 * (connectors/opcua/opcua-codec.ts). DateTime, LocalizedText, QualifiedName and Guid arrive as text.
 */
export const opcuaScalarTypes = [
  'Boolean', 'SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Float', 'Double',
  'String', 'DateTime', 'LocalizedText', 'QualifiedName', 'Guid',
] as const;
export type OpcuaScalarType = (typeof opcuaScalarTypes)[number];

const createOpcuaTagSchema = (check?: AddressCheck) => z.strictObject({
  name: tagName,
  /** e.g. "ns=1;s=WeldCell.G1.WeldCount", "ns=2;i=1001" */
  nodeId: addressSchema(check),
  /**
   * The node's DataType. The device's DBIRTH is announced from the config before any server
   * answers, so the Sparkplug datatype comes from here: UInt32 -> Int64, String -> String, ...
   * (gateway/protocols/opcua-protocol.ts). Writes always use the DataType the server reports.
   */
  dataType: z.enum(opcuaScalarTypes).default('Double'),
  /**
   * Overrides the node's EngineeringUnits. Set it for units to reach the cloud: DBIRTH is
   * announced from the config, before the connector has read the node's EngineeringUnits.
   */
  unit: z.string().max(32).optional(),
  /**
   * Absolute deadband in engineering units, applied by the server (DataChangeFilter,
   * OPC 10000-4 7.22.2): a change smaller than this is not reported. Subscribe mode only.
   */
  deadband: z.number().min(0).optional(),
  /** subscribe: the server pushes changes (buffered for read()); poll: read on every group read. */
  mode: z.enum(['subscribe', 'poll']).default('subscribe'),
  /** Read-group interval of this tag; defaults to pollIntervalMs (poll) or publishingIntervalMs (subscribe). */
  intervalMs: z.number().int().min(10).optional(),
  description: z.string().optional(),
});
export const opcuaTagSchema = createOpcuaTagSchema();
export type OpcuaTagConfig = z.infer<typeof opcuaTagSchema>;

export const createOpcuaConnectorSchema = (check?: AddressCheck) => z.strictObject({
  name: topicLevel,
  protocol: z.literal('opcua'),
  endpoint: z.string().regex(/^opc\.tcp:\/\/[^\s/:]+(:\d{1,5})?(\/\S*)?$/, 'expected opc.tcp://host:port/path'),
  securityMode: z.enum(opcuaSecurityModes).default('None'),
  /** Defaults to None with securityMode None, else Basic256Sha256 (see effectiveSecurityPolicy). */
  securityPolicy: z.enum(opcuaSecurityPolicies).optional(),
  auth: opcuaAuthSchema.default({ type: 'anonymous' }),
  /** How often the server sends the subscription's queued changes. */
  publishingIntervalMs: z.number().int().min(10).max(60_000).default(500),
  /**
   * How often the server samples each subscribed node. 0 asks for exception-based monitoring:
   * a server that supports it reports every change, however fast (OPC 10000-4 5.12.1.2).
   */
  samplingIntervalMs: z.number().int().min(0).max(60_000).default(250),
  /** Read-group interval of poll-mode tags without their own intervalMs. */
  pollIntervalMs: z.number().int().min(10).default(1000),
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
  reconnect: reconnectSchema.prefault({}),
  tags: z.array(createOpcuaTagSchema(check)).min(1, 'a connector needs at least one tag'),
}).superRefine((c, ctx) => {
  if (c.securityMode === 'None' && c.securityPolicy && c.securityPolicy !== 'None') {
    ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: `securityPolicy ${c.securityPolicy} needs securityMode Sign or SignAndEncrypt` });
  }
  if (c.securityMode !== 'None' && c.securityPolicy === 'None') {
    ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: `securityMode ${c.securityMode} needs a securityPolicy other than None, e.g. Basic256Sha256` });
  }
}, {
  // Also when other fields are wrong, so every problem is reported at once; only the two fields it reads must be sound.
  when: ({ value }) => {
    const c = value as { securityMode?: unknown; securityPolicy?: unknown } | null;
    return typeof c === 'object' && c !== null && (opcuaSecurityModes as readonly unknown[]).includes(c.securityMode) &&
      (c.securityPolicy === undefined || (opcuaSecurityPolicies as readonly unknown[]).includes(c.securityPolicy));
  },
});
export const opcuaConnectorSchema = createOpcuaConnectorSchema();
export type OpcuaConnectorConfig = z.infer<typeof opcuaConnectorSchema>;

/** The policy a config asks for, with the default filled in. */
export function effectiveSecurityPolicy(c: Pick<OpcuaConnectorConfig, 'securityMode' | 'securityPolicy'>): OpcuaSecurityPolicy {
  return c.securityPolicy ?? (c.securityMode === 'None' ? 'None' : 'Basic256Sha256');
}
