/**
 * What each edge-link command does on the gateway (one entry per command type, STYLE.md rule 7).
 * Handlers throw CommandError (or a ConnectorError) to refuse; the channel turns that into the
 * acknowledgement. Test reads and browsing of a connector that is not running use a connector of
 * their own for the one request, so the running links are never disturbed.
 */
import { z } from 'zod';
import { formatPath } from '../../config/config-error.ts';
import type { ConnectorConfig } from '../../config/site-schema.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { Connector } from '../../connectors/connector.ts';
import {
  rulesApplyArgsSchema, scenarioPermissionsHash, type CommandProblem, type ConfigReport, type RulesApplyArgs, type RulesReport,
} from '../../connectors/edge-link/index.ts';
import { listCertificates, trustCertificate, type BrowseEntry } from '../../connectors/opcua/index.ts';
import type { ConnectorSet, ReloadResult } from '../connector-set.ts';
import type { MasterDataCache } from '../master-data/master-data-cache.ts';
import { masterDataSyncHandler } from '../master-data/master-data-command.ts';
import type { ScenarioPermissionStore } from '../scenario-permissions.ts';
import { CommandError, type CommandHandlers } from './command-channel.ts';

export interface CommandHandlerDeps {
  connectors: ConnectorSet;
  /** Builds a connector that is not part of the running set (test reads, browsing). */
  createConnector(config: ConnectorConfig): Connector;
  /** Validates a whole connector list as `config check` would: the problems, or nothing. */
  checkConnectors(connectors: unknown): { ok: true; connectors: ConnectorConfig[] } | { ok: false; problems: Array<{ path: string; message: string }> };
  /** Stores and runs a validated list as `version`; serialised by the caller. */
  applyConnectors(version: number, connectors: ConnectorConfig[]): Promise<ReloadResult>;
  configReport(): ConfigReport;
  /**
   * Compiles both packs of a rules.apply and, when neither has a problem, stores the desired state
   * and runs it; on any problem changes nothing and says what (paths like `active.rules.<id>`).
   */
  applyRules(args: RulesApplyArgs): Promise<{ ok: true; report: RulesReport } | { ok: false; problems: CommandProblem[] }>;
  scenarioPermissions: ScenarioPermissionStore;
  /** The offline master-data cache `masterdata.sync` fills; absent when the site config has no scanning section. */
  masterData?: Pick<MasterDataCache, 'applySync'>;
  pkiDir: string;
  clock: Clock;
  /** How long a one-off connector may take to link up; default 5 s. */
  oneOffTimeoutMs?: number;
}

const writeArgs = z.strictObject({ device: z.string().min(1), tag: z.string().min(1), value: z.union([z.number(), z.boolean()]) });
const connectorRef = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);
const testReadArgs = z.strictObject({ connector: connectorRef, tag: z.record(z.string(), z.unknown()) });
const browseArgs = z.strictObject({ connector: connectorRef, nodeId: z.string().min(1).optional() });
const trustArgs = z.strictObject({ thumbprint: z.string().regex(/^[0-9a-fA-F:]{40,59}$/, 'expected the certificate\'s SHA-1 thumbprint in hex') });
const permissionArgs = z.strictObject({
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected the SHA-256 of the roles (scenarioPermissionsHash)'),
  roles: z.record(z.string().min(1), z.array(z.string().min(1))),
});
const applyArgs = z.strictObject({ version: z.number().int().positive(), connectors: z.array(z.unknown()) });

function argsOf<S extends z.ZodType>(schema: S, args: unknown): z.infer<S> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ path: `args.${formatPath(i.path)}`.replace(/\.$/, ''), message: i.message }));
  throw new CommandError('BAD_ARGS', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}

export function createCommandHandlers(deps: CommandHandlerDeps): CommandHandlers {
  const oneOffTimeoutMs = deps.oneOffTimeoutMs ?? 5000;
  let applying: Promise<unknown> = Promise.resolve();

  /** A connector's config: the running one by name, or a whole config given in the command. */
  const resolveConfig = (ref: string | Record<string, unknown>): ConnectorConfig => {
    if (typeof ref === 'string') {
      const config = deps.connectors.configOf(ref);
      if (!config) throw new CommandError('UNKNOWN_DEVICE', `no connector named "${ref}" runs on this gateway; running: ${deps.connectors.configs().map((c) => c.name).join(', ') || 'none'}`);
      return config;
    }
    return checkOne(ref);
  };

  /** One connector checked as a pushed list is: the schema, then its own address checks. */
  const checkOne = (raw: unknown): ConnectorConfig => {
    const checked = deps.checkConnectors([raw]);
    if (checked.ok) return checked.connectors[0]!;
    const problems = checked.problems.map((p) => ({ path: p.path.replace(/^connectors\[0\]/, 'connector'), message: p.message }));
    throw new CommandError('CONFIG_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
  };

  /** Runs `use` with a connector of its own, linked (or given up on) within the timeout, then closes it. */
  const withOneOff = async <T>(config: ConnectorConfig, use: (connector: Connector) => Promise<T>): Promise<T> => {
    const connector = deps.createConnector(config);
    try {
      await connector.connect({ signal: AbortSignal.timeout(oneOffTimeoutMs) }).catch(() => {});
      if (connector.linkState() !== 'up') {
        // Say why, when the connector knows (an OPC UA server certificate waiting to be trusted).
        const reason = (connector as Connector & { stats?(): { lastConnectError?: { code: string; message: string } } }).stats?.().lastConnectError;
        throw new CommandError(reason?.code ?? 'LINK_DOWN', reason?.message ?? `no link to ${describeEndpoint(config)} within ${oneOffTimeoutMs} ms; check the device is on and reachable`);
      }
      return await use(connector);
    } finally {
      await connector.close().catch(() => {});
    }
  };

  return {
    'tag.write': async (args) => {
      const { device, tag, value } = argsOf(writeArgs, args);
      const connector = deps.connectors.get(device);
      if (!connector) throw new CommandError('UNKNOWN_DEVICE', `no connector named "${device}" runs on this gateway`);
      const started = performance.now();
      await connector.write(tag, value);
      return { device, tag, value, writtenAt: deps.clock.now(), latencyMs: Math.round((performance.now() - started) * 1000) / 1000 };
    },

    'tag.test-read': async (args) => {
      const { connector: ref, tag } = argsOf(testReadArgs, args);
      const base = resolveConfig(ref);
      // One tag, read on request: an OPC UA tag is polled rather than subscribed for this.
      const oneTag = base.protocol === 'opcua' ? { ...tag, mode: 'poll' } : tag;
      const config = checkOne({ ...base, tags: [oneTag] });
      return withOneOff(config, async (connector) => {
        const [group] = connector.groups();
        const [value] = group ? await connector.read(group) : [];
        if (!value) throw new CommandError('FAILED', 'the connector read nothing for this tag');
        const unit = connector.unitOf(value.tag);
        return { value: value.value, quality: value.quality, ts: value.ts, ...(value.error ? { error: value.error } : {}), ...(unit ? { unit } : {}) };
      });
    },

    'opcua.browse': async (args) => {
      const { connector: ref, nodeId } = argsOf(browseArgs, args);
      const config = resolveConfig(ref);
      if (config.protocol !== 'opcua') throw new CommandError('NOT_OPCUA', `connector "${config.name}" speaks ${config.protocol}; only OPC UA servers can be browsed`);
      const browse = async (connector: Connector): Promise<{ nodes: BrowseEntry[] }> =>
        ({ nodes: await (connector as Connector & { browse(nodeId?: string): Promise<BrowseEntry[]> }).browse(nodeId) });
      const running = typeof ref === 'string' ? deps.connectors.get(ref) : undefined;
      if (running?.linkState() === 'up') return browse(running);
      return withOneOff(config, browse);
    },

    'certificates.list': async () => listCertificates(deps.pkiDir),

    'permissions.sync': async (args) => {
      const { hash, roles } = argsOf(permissionArgs, args);
      if (scenarioPermissionsHash(roles) !== hash) throw new CommandError('BAD_ARGS', 'args.hash: does not match the roles sent; the roles were changed or cut on the way');
      const held = deps.scenarioPermissions.replace(roles, deps.clock.now());
      return { hash: held.hash, roles: Object.keys(roles).length };
    },

    'certificates.trust': async (args) => trustCertificate(deps.pkiDir, argsOf(trustArgs, args).thumbprint),

    'config.apply': (args) => {
      const run = async () => {
        const { version, connectors } = argsOf(applyArgs, args);
        const current = deps.configReport().version;
        if (version < current) throw new CommandError('STALE_VERSION', `version ${version} is older than the version ${current} this gateway runs; push a newer one`);
        if (version === current) {
          const names = deps.connectors.configs().map((c) => c.name);
          return { version, added: [], removed: [], restarted: [], unchanged: names, alreadyApplied: true };
        }
        const checked = deps.checkConnectors(connectors);
        if (!checked.ok) {
          throw new CommandError('CONFIG_INVALID', `${checked.problems.length} problem(s): ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, checked.problems);
        }
        return { version, ...(await deps.applyConnectors(version, checked.connectors)) };
      };
      const result = applying.then(run, run);
      applying = result.catch(() => {});
      return result;
    },

    'rules.apply': (args) => {
      // Serialised with config.apply: one change of what the gateway runs at a time.
      const run = async () => {
        const outcome = await deps.applyRules(argsOf(rulesApplyArgsSchema, args));
        if (!outcome.ok) {
          throw new CommandError('RULES_INVALID', `${outcome.problems.length} problem(s), nothing changed: ${outcome.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, outcome.problems);
        }
        return outcome.report;
      };
      const result = applying.then(run, run);
      applying = result.catch(() => {});
      return result;
    },

    // Synchronous inside (one SQLite transaction), so chunks never interleave.
    'masterdata.sync': deps.masterData
      ? masterDataSyncHandler(deps.masterData)
      : async () => {
        throw new CommandError('NO_SCANNING', 'this gateway keeps no master data: its site config has no scanning section; add one (devices broker and master data) and restart it');
      },
  };
}

function describeEndpoint(config: ConnectorConfig): string {
  if (config.protocol === 'opcua') return config.endpoint;
  const connection = config.connection as { host?: string; port?: number; path?: string };
  return connection.host ? `${connection.host}:${connection.port}` : connection.path ?? config.name;
}
