/**
 * Connector configuration and commands for gateways, as the admin API uses them: versions with
 * author and diff, validated with the same schema and address checks as a site file, pushed as
 * `config.apply` and settled by the gateway's acknowledgement. A version pushed while its gateway
 * was away is pushed again when the gateway next reports an older version.
 */
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../../config/config-error.ts';
import { parseConfig } from '../../config/load-config.ts';
import { createSiteConfigSchema, type AddressChecks, type ConnectorConfig } from '../../config/site-schema.ts';
import { scenarioPermissionsHash, type CommandType, type ConfigReport, type EdgeAck, type ScenarioPermissions } from '../../connectors/edge-link/index.ts';
import { diffConfigs, type ConfigChange } from './config-diff.ts';
import { redactSecrets, restoreSecrets } from './config-secrets.ts';
import type { EdgeLinkClient } from './edge-link-client.ts';
import type { ConfigStatus, ConfigVersion, GatewayConfigs } from './gateway-configs.ts';

export interface GatewaySummary {
  group: string;
  edge: string;
  online: boolean;
  lastSeenAt: number | null;
  desiredVersion: number | null;
  appliedVersion: number | null;
  status: 'in-sync' | 'pending' | 'failed' | 'unknown';
  lastError: string | null;
}

export interface PushOutcome {
  version: number;
  status: ConfigStatus;
  ack?: EdgeAck;
  /** Set when the gateway did not answer in time: the version stays pending and is pushed again when it reports. */
  timedOut?: boolean;
}

export class ConfigInvalidError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`${problems.length} configuration problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'ConfigInvalidError';
  }
}

export class UnknownGatewayError extends Error {
  constructor(group: string, edge: string) {
    super(`no gateway ${group}/${edge} has reported to this cloud; check the group and edge ids (GET /api/gateways lists them)`);
    this.name = 'UnknownGatewayError';
  }
}

export interface GatewayRolloutOptions {
  configs: GatewayConfigs;
  link: () => EdgeLinkClient | undefined;
  addressChecks: AddressChecks;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Wait for a config.apply acknowledgement; default 15 s (a reconnecting OPC UA session can take a while). */
  applyTimeoutMs?: number;
  /** The scenario permissions gateways hold for offline decisions (from the permission matrix). */
  scenarioPermissions?: () => ScenarioPermissions;
}

/** The part of the matrix a gateway needs offline: who may scan, and which overrides each role holds. */
export function scenarioPermissionsOf(matrix: Readonly<Record<string, readonly string[]>>): ScenarioPermissions {
  return Object.fromEntries(Object.entries(matrix).map(([role, permissions]) =>
    [role, permissions.filter((p) => p === 'scans.perform' || p.startsWith('override.'))]));
}

export class GatewayRollout {
  readonly #o: GatewayRolloutOptions;
  readonly #connectorsSchema;

  constructor(options: GatewayRolloutOptions) {
    this.#o = options;
    this.#connectorsSchema = z.strictObject({ connectors: createSiteConfigSchema(options.addressChecks).shape.connectors });
  }

  list(): GatewaySummary[] {
    return this.#o.configs.gateways().map(({ group, edge }) => this.summary(group, edge));
  }

  summary(group: string, edge: string): GatewaySummary {
    const latest = this.#o.configs.latest(group, edge);
    const reported = this.#o.configs.reported(group, edge);
    const session = this.#o.link()?.session(group, edge);
    const applied = reported?.version ?? null;
    const status: GatewaySummary['status'] = !latest ? 'unknown'
      : latest.status === 'failed' ? 'failed'
        : applied === latest.version ? 'in-sync' : 'pending';
    const failure = latest?.status === 'failed' ? (latest.result as { error?: { message?: string } } | null)?.error?.message ?? 'refused' : null;
    return {
      group, edge,
      online: session?.online ?? false,
      lastSeenAt: Math.max(session?.since ?? 0, reported?.reportedAt ?? 0) || null,
      desiredVersion: latest?.version ?? null,
      appliedVersion: applied,
      status,
      lastError: failure,
    };
  }

  /** The latest version, secrets redacted. */
  config(group: string, edge: string): { version: number; appliedVersion: number | null; status: ConfigStatus; connectors: unknown[] } {
    const latest = this.#require(group, edge);
    return {
      version: latest.version,
      appliedVersion: this.#o.configs.reported(group, edge)?.version ?? null,
      status: latest.status,
      connectors: redactSecrets(latest.connectors),
    };
  }

  /** Newest first, each with what changed from the version before it (secrets redacted). */
  history(group: string, edge: string): Array<Omit<ConfigVersion, 'connectors' | 'group' | 'edge'> & { diff: ConfigChange[] }> {
    this.#require(group, edge);
    const versions = this.#o.configs.versions(group, edge);
    return versions.map((v, i) => {
      const previous = versions[i + 1];
      return {
        version: v.version, author: v.author, comment: v.comment, createdAt: v.createdAt, status: v.status, result: v.result, settledAt: v.settledAt,
        diff: previous ? diffConfigs(redactSecrets(previous.connectors), redactSecrets(v.connectors)) : [],
      };
    });
  }

  /**
   * Checks the list like a site file, stores it as the next version and pushes it. Throws
   * ConfigInvalidError (nothing stored), StaleBaseVersionError or UnknownGatewayError.
   */
  async push(group: string, edge: string, entry: { baseVersion: number; connectors: unknown[]; comment?: string; author: string }): Promise<PushOutcome & { diff: ConfigChange[] }> {
    const latest = this.#require(group, edge);
    const restored = restoreSecrets(entry.connectors, latest.connectors);
    const connectors = this.#check(restored.connectors, restored.missing);
    const version = this.#o.configs.create(group, edge, { connectors, author: entry.author, comment: entry.comment, baseVersion: entry.baseVersion });
    const diff = diffConfigs(redactSecrets(latest.connectors), redactSecrets(connectors));
    return { ...(await this.#deliver(version)), diff };
  }

  /** Pushes an old version's connectors (secrets included) as a new version. */
  async rollback(group: string, edge: string, toVersion: number, author: string): Promise<PushOutcome & { diff: ConfigChange[] }> {
    const latest = this.#require(group, edge);
    const target = this.#o.configs.get(group, edge, toVersion);
    if (!target) throw new UnknownVersionError(group, edge, toVersion, latest.version);
    const version = this.#o.configs.create(group, edge, { connectors: target.connectors, author, comment: `roll back to version ${toVersion}`, baseVersion: latest.version });
    const diff = diffConfigs(redactSecrets(latest.connectors), redactSecrets(target.connectors));
    return { ...(await this.#deliver(version)), diff };
  }

  /** One command to a gateway that has reported; resolves with its acknowledgement. */
  async command(group: string, edge: string, type: Exclude<CommandType, 'config.apply'>, args: Record<string, unknown>, by: string, timeoutMs?: number): Promise<EdgeAck> {
    this.#require(group, edge);
    const link = this.#o.link();
    if (!link) throw new EdgeLinkDownError();
    return link.send(group, edge, type, args, { by, timeoutMs });
  }

  /** A gateway said what it runs: record it, and push again a pending version it has not got. */
  onReport(group: string, edge: string, report: ConfigReport): void {
    this.#o.configs.recordReport(group, edge, report);
    const permissions = this.#o.scenarioPermissions?.();
    if (permissions && report.scenarioPermissions !== scenarioPermissionsHash(permissions)) this.syncPermissions(group, edge).catch(() => {});
    const latest = this.#o.configs.latest(group, edge);
    if (latest?.status === 'pending' && latest.version > report.version) {
      this.#o.logger.info({ group, edge, version: latest.version, running: report.version }, 'pushing a pending configuration again');
      this.#deliver(latest).catch(() => {});
    }
  }

  /**
   * Sends the current scenario permissions to one gateway. A gateway that is away gets them when
   * it next reports (its report carries the hash of what it holds).
   */
  async syncPermissions(group: string, edge: string): Promise<EdgeAck | undefined> {
    const roles = this.#o.scenarioPermissions?.();
    const link = this.#o.link();
    if (!roles || !link) return undefined;
    try {
      return await link.send(group, edge, 'permissions.sync', { hash: scenarioPermissionsHash(roles), roles }, { by: 'cloud' });
    } catch (error) {
      this.#o.logger.warn({ err: error, group, edge }, 'scenario permissions not acknowledged; sent again when the gateway reports');
      return undefined;
    }
  }

  /** After a matrix change: every gateway that is online now. */
  syncPermissionsEverywhere(): void {
    for (const gateway of this.list().filter((g) => g.online)) this.syncPermissions(gateway.group, gateway.edge).catch(() => {});
  }

  async #deliver(version: ConfigVersion): Promise<PushOutcome> {
    const { group, edge } = version;
    const link = this.#o.link();
    if (!link) return { version: version.version, status: 'pending', timedOut: true };
    let ack: EdgeAck;
    try {
      ack = await link.send(group, edge, 'config.apply', { version: version.version, connectors: version.connectors }, { by: version.author, timeoutMs: this.#o.applyTimeoutMs ?? 15_000 });
    } catch (error) {
      this.#o.logger.warn({ err: error, group, edge, version: version.version }, 'configuration not acknowledged; it stays pending');
      return { version: version.version, status: 'pending', timedOut: true };
    }
    const status = ack.ok ? 'applied' : 'failed';
    this.#o.configs.settle(group, edge, version.version, status, ack.ok ? ack.result : { error: ack.error });
    return { version: version.version, status, ack };
  }

  #check(connectors: unknown[], missingSecrets: string[]): unknown[] {
    const problems: ConfigProblem[] = missingSecrets.map((path) => ({ path, message: 'a redacted secret with no stored value to keep; type the secret' }));
    let parsed: ConnectorConfig[] = [];
    try {
      // The loader's own wording for every problem, as `edgestock config check` prints it.
      parsed = parseConfig(this.#connectorsSchema, { connectors }, 'connectors').connectors;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
    if (problems.length === 0) {
      const seen = new Map<string, number>();
      parsed.forEach((c, i) => {
        const first = seen.get(c.name);
        if (first !== undefined) problems.push({ path: `connectors[${i}].name`, message: `"${c.name}" is already the name of connectors[${first}]; connector names must be unique` });
        else seen.set(c.name, i);
      });
    }
    if (problems.length > 0) throw new ConfigInvalidError(problems);
    return parsed as unknown[];
  }

  #require(group: string, edge: string): ConfigVersion {
    const latest = this.#o.configs.latest(group, edge);
    if (!latest) throw new UnknownGatewayError(group, edge);
    return latest;
  }
}

export class UnknownVersionError extends Error {
  constructor(group: string, edge: string, version: number, latest: number) {
    super(`gateway ${group}/${edge} has no configuration version ${version}; versions run from 0 to ${latest}`);
    this.name = 'UnknownVersionError';
  }
}

export class EdgeLinkDownError extends Error {
  constructor() {
    super('the cloud has no MQTT link to the gateways (the edge link is not running); check the broker settings and the cloud log');
    this.name = 'EdgeLinkDownError';
  }
}
