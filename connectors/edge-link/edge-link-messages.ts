/**
 * The edgestock edge link: JSON commands from the cloud to one gateway, their acknowledgements,
 * configuration reports and edge events, on `edgestock/v1/{group}/{edge}/...`
 * (docs/gateway-commands.md, docs/edge-events.md). Both ends read and write these
 * shapes through this one module, so the wire format has one definition.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { masterDataReportSchema } from './master-data-sync.ts';
import { rulesReportSchema } from './rules-apply.ts';

export const EDGE_LINK_PREFIX = 'edgestock/v1';

/** cmd: cloud -> gateway; ack, config, event: gateway -> cloud, through the gateway's outbox. */
export const edgeLinkChannels = ['cmd', 'ack', 'config', 'event'] as const;
export type EdgeLinkChannel = (typeof edgeLinkChannels)[number];

export function isEdgeLinkChannel(value: string): value is EdgeLinkChannel {
  return (edgeLinkChannels as readonly string[]).includes(value);
}

export function edgeLinkTopic(group: string, edge: string, channel: EdgeLinkChannel): string {
  return `${EDGE_LINK_PREFIX}/${group}/${edge}/${channel}`;
}

/** `{ group, edge, channel }` of an edge-link topic, or undefined for any other topic. */
export function parseEdgeLinkTopic(topic: string): { group: string; edge: string; channel: EdgeLinkChannel } | undefined {
  const levels = topic.split('/');
  if (levels.length !== 5 || `${levels[0]}/${levels[1]}` !== EDGE_LINK_PREFIX) return undefined;
  const channel = levels[4];
  if (!isEdgeLinkChannel(channel)) return undefined;
  return { group: levels[2]!, edge: levels[3]!, channel };
}

/** Every command type a gateway answers. */
export const commandTypes = ['tag.write', 'tag.test-read', 'opcua.browse', 'certificates.list', 'certificates.trust', 'config.apply', 'permissions.sync', 'rules.apply', 'masterdata.sync'] as const;
export type CommandType = (typeof commandTypes)[number];

export const commandSchema = z.strictObject({
  /** Chosen by the cloud, unique per command; a repeated id gets the first answer again. */
  id: z.string().min(8).max(100),
  type: z.enum(commandTypes),
  args: z.record(z.string(), z.unknown()),
  /** Milliseconds since the Unix epoch. */
  issuedAt: z.number().int().nonnegative(),
  /** Who asked (a username), for the gateway's log. */
  by: z.string().max(100).optional(),
});
export type EdgeCommand = z.infer<typeof commandSchema>;

/** Stable codes of a refused command; connector error codes (connectors/errors.ts) pass through too. */
export type CommandErrorCode =
  | 'BAD_COMMAND' | 'BAD_ARGS' | 'UNKNOWN_DEVICE' | 'UNKNOWN_TAG' | 'CONFIG_INVALID' | 'STALE_VERSION' | 'NOT_OPCUA' | 'FAILED' | string;

export interface CommandProblem {
  path: string;
  message: string;
}

export type EdgeAck =
  | { id: string; type: string; ok: true; result: unknown; at: number }
  | { id: string; type: string; ok: false; error: { code: CommandErrorCode; message: string; problems?: CommandProblem[] }; at: number };

export const ackSchema = z.union([
  z.object({ id: z.string(), type: z.string(), ok: z.literal(true), result: z.unknown(), at: z.number() }),
  z.object({
    id: z.string(), type: z.string(), ok: z.literal(false), at: z.number(),
    error: z.object({
      code: z.string(), message: z.string(),
      problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  }),
]);

/** What a gateway runs, sent at each session start and after each applied config. */
export const configReportSchema = z.object({
  /**
   * Unique per report (the gateway's outbox may deliver one twice after a reconnect); absent from
   * gateways older than the outbox-backed edge link, whose reports are applied every time.
   */
  id: z.string().min(1).max(128).optional(),
  /** 0 while it runs its file's connectors and has never applied a pushed version. */
  version: z.number().int().nonnegative(),
  connectors: z.array(z.record(z.string(), z.unknown())),
  source: z.enum(['file', 'pushed']),
  at: z.number(),
  /** Hash of the scenario permissions the gateway holds (scenarioPermissionsHash), absent when it has none. */
  scenarioPermissions: z.string().optional(),
  /** The rule packs the gateway runs (rules-apply.ts); absent from gateways without a rules runtime. */
  rules: rulesReportSchema.optional(),
  /** The master-data version the gateway holds (master-data-sync.ts); absent from gateways without scanning. */
  masterData: masterDataReportSchema.optional(),
});
export type ConfigReport = z.infer<typeof configReportSchema>;

/** The largest event payload either end accepts (JSON bytes); a bigger one is refused at emit and rejected by the cloud. */
export const MAX_EDGE_EVENT_BYTES = 64 * 1024;

/**
 * An edge event (docs/edge-events.md): something the gateway did or saw that is not telemetry
 * (a link going down, a rule action, a scan decision), published on `event` from the outbox.
 * Not strict: a newer gateway may add fields, and an older cloud must still store its events.
 */
export const edgeEventSchema = z.object({
  /** Unique per gateway and never reused; the cloud stores an event once per (group, edge, id). */
  id: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'expected 1 to 128 printable ASCII characters without spaces'),
  /** Dotted lower-case name, e.g. `connector.link`, `rule.action`, `scan.decision`. */
  type: z.string().max(100).regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'expected a dotted lower-case name such as connector.link'),
  /** When it happened on the gateway, milliseconds since the Unix epoch. */
  at: z.number().int().nonnegative(),
  /** What happened; its shape depends on `type` (docs/edge-events.md lists them). */
  body: z.unknown(),
});
export type EdgeEvent = z.infer<typeof edgeEventSchema>;

/** Body of a `connector.link` event: a connector's link to its device went up or down. */
export interface ConnectorLinkEventBody {
  connector: string;
  state: 'up' | 'down';
  /** Why it is down, when a read said so (a code of connectors/errors.ts, e.g. LINK_DOWN, TIMEOUT). */
  error?: string;
}

/** Parses a JSON payload with a schema: the value, or a message saying what is wrong with it. */
export function readJsonPayload<S extends z.ZodType>(schema: S, payload: Uint8Array): { ok: true; value: z.infer<S> } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Which role may do which scan-time action offline (`scans.perform`, `override.*`), as the cloud's
 * permission matrix says; delivered with `permissions.sync` and kept by the gateway.
 */
export type ScenarioPermissions = Record<string, string[]>;

/** A stable hash of scenario permissions: roles and their permissions sorted, so equal content hashes equal. */
export function scenarioPermissionsHash(roles: ScenarioPermissions): string {
  const canonical = Object.keys(roles).sort().map((role) => [role, [...roles[role]!].sort()]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
