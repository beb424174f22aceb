/**
 * The OPC UA connector: one session per server, kept up by the LinkSupervisor (jittered
 * backoff); each new session gets a new subscription, so a server restart needs no gateway
 * restart.
 *
 * How it fits the gateway's read scheduler (Connector.read): subscribe-mode tags are pushed by
 * the server into a buffer, and read(group) answers them from that buffer without a request:
 * every change since the tag's previous read, oldest first (so a weld counter stepping faster
 * than the read interval loses no step), or the latest value again when nothing changed.
 * Poll-mode tags are read from the server on every read(group), all in one Read. Every change
 * also goes to onChange() listeners as it arrives.
 */
import { effectiveSecurityPolicy, type OpcuaConnectorConfig } from '../../config/opcua-schema.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { ConnectOptions, Connector, LinkState, ReadGroup, ReadOptions, TagProblem, TagValue } from '../connector.ts';
import { silentLogger, type ConnectorLogger } from '../connector-logger.ts';
import { ConnectorError, type ConnectorErrorCode } from '../errors.ts';
import { LinkSupervisor } from '../link-supervisor.ts';
import { errorCodeOf, qualityOf, toTagScalar, toWriteValue } from './opcua-codec.ts';
import { formatNodeId, parseNodeId } from './opcua-node-id.ts';
import {
  createNodeOpcuaPort, type BrowseEntry, type MonitorRequest, type OpcuaDataValue, type OpcuaNodeInfo, type OpcuaPort, type OpcuaPortFactory,
} from './opcua-port.ts';
import { buildTagTable, groupByInterval, type ConfiguredTag } from './opcua-tags.ts';

export interface OpcuaConnectorDeps {
  /** The client's PKI store, normally `<dataDir>/pki` (pkiDirOf). Never the home folder. */
  pkiDir: string;
  portFactory?: OpcuaPortFactory;
  clock?: Clock;
  logger?: ConnectorLogger;
  /** 0..1 source for backoff jitter. */
  random?: () => number;
}

/** A TagValue with the OPC UA StatusCode name when the server's status was not Good. */
export interface OpcuaTagValue extends TagValue {
  /** e.g. "BadSensorFailure", "UncertainLastUsableValue" */
  errorDetail?: string;
}

export interface OpcuaConnectorStats {
  /** Times the session came back after it was lost. */
  reconnects: number;
  /** Data-change notifications received since start. */
  notifications: number;
  /** Changes dropped because nobody read the tag for MAX_UNREAD_PER_TAG changes. */
  unreadDropped: number;
  /** The last connect failure, e.g. CERTIFICATE_UNTRUSTED while a certificate waits to be trusted. */
  lastConnectError?: { code: string; message: string };
}

/** Changes kept per tag between two reads; beyond this (reads stopped) the oldest are dropped and counted. */
const MAX_UNREAD_PER_TAG = 1000;

/** Retrying cannot fix a refused identity; an untrusted certificate can be trusted meanwhile, so it is retried. */
const fatalCodes: ReadonlySet<ConnectorErrorCode> = new Set(['AUTH_FAILED']);

export class OpcuaConnector implements Connector {
  readonly name: string;
  readonly protocol = 'opcua';
  private readonly tags: ReadonlyMap<string, ConfiguredTag>;
  private readonly problems: TagProblem[];
  private readonly clock: Clock;
  private readonly port: OpcuaPort;
  private readonly link: LinkSupervisor;
  private readonly latest = new Map<string, OpcuaTagValue>();
  /** Changes not yet read, per subscribe-mode tag (bounded: the oldest go first, counted). */
  private readonly unread = new Map<string, OpcuaTagValue[]>();
  private unreadDropped = 0;
  private readonly listeners = new Set<(value: OpcuaTagValue) => void>();
  /** Per tag, read once: DataType, writability, EngineeringUnits. */
  private readonly nodeInfos = new Map<string, Promise<OpcuaNodeInfo>>();
  private readonly discoveredUnits = new Map<string, string>();
  private notifications = 0;
  private lastConnectError: OpcuaConnectorStats['lastConnectError'];

  constructor(private readonly config: OpcuaConnectorConfig, deps: OpcuaConnectorDeps) {
    this.name = config.name;
    this.clock = deps.clock ?? systemClock;
    ({ tags: this.tags, problems: this.problems } = buildTagTable(config));
    this.port = (deps.portFactory ?? createNodeOpcuaPort)({
      endpoint: config.endpoint,
      securityMode: config.securityMode,
      securityPolicy: effectiveSecurityPolicy(config),
      auth: config.auth,
      timeoutMs: config.timeoutMs,
      pkiDir: deps.pkiDir,
    });
    this.port.onLinkLost((reason) => {
      this.latest.clear();
      this.link.lost(reason);
    });
    this.link = new LinkSupervisor({
      name: config.name,
      open: () => this.openLink(),
      close: () => this.port.close(),
      isFatal: (err) => err instanceof ConnectorError && fatalCodes.has(err.code),
      policy: config.reconnect,
      clock: this.clock,
      random: deps.random ?? Math.random,
      logger: deps.logger ?? silentLogger,
    });
  }

  validate(): TagProblem[] {
    return this.problems.map((p) => ({ ...p }));
  }

  groups(): ReadGroup[] {
    return groupByInterval(this.tags, this.config);
  }

  /** The configured unit, else the node's EngineeringUnits (known once the link has been up). */
  unitOf(tag: string): string | undefined {
    return this.tags.get(tag)?.config.unit ?? this.discoveredUnits.get(tag);
  }

  linkState(): LinkState {
    return this.link.state;
  }

  stats(): OpcuaConnectorStats {
    return { reconnects: this.link.reconnects, notifications: this.notifications, unreadDropped: this.unreadDropped, ...(this.lastConnectError ? { lastConnectError: { ...this.lastConnectError } } : {}) };
  }

  connect(opts: ConnectOptions = {}): Promise<void> {
    return this.link.connect(opts.signal);
  }

  async close(): Promise<void> {
    await this.link.close();
    await this.port.dispose();
    this.listeners.clear();
  }

  /** Every change of a subscribe-mode tag, in the order the server reported them. Returns an unsubscribe function. */
  onChange(listener: (value: OpcuaTagValue) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async read(group: ReadGroup, opts: ReadOptions = {}): Promise<OpcuaTagValue[]> {
    opts.signal?.throwIfAborted();
    const results = new Map<string, OpcuaTagValue>();
    const polled: Array<{ name: string; nodeId: string }> = [];
    const up = this.link.state === 'up';
    const changes = new Map<string, OpcuaTagValue[]>();
    for (const name of group.tags) {
      const tag = this.tags.get(name);
      // Changes that arrived before the link went down are readings too: they go first.
      const unread = this.unread.get(name);
      if (unread?.length) {
        changes.set(name, unread);
        this.unread.set(name, []);
      }
      if (!tag) results.set(name, this.bad(name, 'UNKNOWN_TAG'));
      else if (!tag.nodeId) results.set(name, this.bad(name, 'BAD_NODE_ID'));
      else if (!up) results.set(name, this.bad(name, 'LINK_DOWN'));
      else if (tag.config.mode === 'poll') polled.push({ name, nodeId: tag.nodeId });
      else if (changes.has(name)) continue;
      // Seeded by a Read when the subscription is created, so a missing value means the link just went down.
      else results.set(name, this.latest.get(name) ?? this.bad(name, 'LINK_DOWN'));
    }
    if (polled.length > 0) {
      try {
        const values = await this.port.read(polled.map((p) => p.nodeId));
        const ts = this.clock.now();
        polled.forEach((p, i) => results.set(p.name, this.toTagValue(p.name, values[i]!, ts)));
      } catch (err) {
        const code = err instanceof ConnectorError ? err.code : 'LINK_DOWN';
        for (const p of polled) results.set(p.name, this.bad(p.name, code));
      }
    }
    return group.tags.flatMap((name) => [...(changes.get(name) ?? []), ...(results.has(name) ? [results.get(name)!] : [])]);
  }

  async write(tagName: string, value: number | boolean, opts: ReadOptions = {}): Promise<void> {
    const tag = this.tags.get(tagName);
    if (!tag) throw new ConnectorError('UNKNOWN_TAG', `tag "${tagName}" on connector "${this.name}"`);
    if (!tag.nodeId) throw new ConnectorError('BAD_NODE_ID', `tag "${tagName}" has nodeId "${tag.config.nodeId}"`);
    opts.signal?.throwIfAborted();
    if (this.link.state !== 'up') throw new ConnectorError('LINK_DOWN', `cannot write "${tagName}": the link to "${this.name}" is ${this.link.state}`);
    const info = await this.nodeInfoOf(tagName, tag.nodeId);
    const what = `tag "${tagName}" (${tag.nodeId})`;
    if (!info.writable) throw new ConnectorError('NOT_WRITABLE', `${what} is read-only on the server`);
    if (!info.builtInType) throw new ConnectorError('TYPE_MISMATCH', `${what}: the node's DataType is not a built-in type`);
    const encoded = toWriteValue(info.builtInType, value, what);
    opts.signal?.throwIfAborted();
    await this.port.write(tag.nodeId, info.builtInType, encoded);
  }

  /**
   * Children of a node for a browser tree; defaults to the Objects folder. Accepts NodeId
   * strings and the names RootFolder, ObjectsFolder, TypesFolder, ViewsFolder, Server.
   */
  async browse(nodeId = 'ObjectsFolder'): Promise<BrowseEntry[]> {
    const parsed = parseNodeId(nodeId);
    if (!parsed.ok) throw new ConnectorError('BAD_NODE_ID', parsed.error);
    if (this.link.state !== 'up') throw new ConnectorError('LINK_DOWN', `cannot browse "${nodeId}": the link to "${this.name}" is ${this.link.state}`);
    return this.port.browse(formatNodeId(parsed.nodeId));
  }

  private async openLink(): Promise<void> {
    try {
      await this.port.connect();
      await this.startSubscription();
      await this.discoverUnits();
      this.lastConnectError = undefined;
    } catch (err) {
      this.lastConnectError = err instanceof ConnectorError ? { code: err.code, message: err.message } : { code: 'LINK_DOWN', message: String(err) };
      await this.port.close();
      throw err;
    }
  }

  /** A new subscription on the new session: monitored items for every subscribe-mode tag, then a Read to seed the buffer. */
  private async startSubscription(): Promise<void> {
    this.latest.clear();
    const subscribed = [...this.tags.entries()].filter(([, t]) => t.config.mode === 'subscribe' && t.nodeId);
    if (subscribed.length === 0) return;
    const { publishingIntervalMs, samplingIntervalMs } = this.config;
    // Enough queue for every change between two publishes; exception-based (0) gets a generous one.
    const queueSize = samplingIntervalMs === 0 ? 100 : Math.min(100, Math.max(2, Math.ceil(publishingIntervalMs / samplingIntervalMs) + 1));
    const requests: MonitorRequest[] = subscribed.map(([, t]) => ({
      nodeId: t.nodeId!, samplingIntervalMs, queueSize, ...(t.config.deadband ? { deadband: t.config.deadband } : {}),
    }));
    const names = subscribed.map(([name]) => name);
    const results = await this.port.subscribe(publishingIntervalMs, requests, (index, dv) => {
      const name = names[index]!;
      const value = this.toTagValue(name, dv, this.clock.now());
      this.notifications++;
      this.latest.set(name, value);
      const unread = this.unread.get(name) ?? [];
      unread.push(value);
      if (unread.length > MAX_UNREAD_PER_TAG) {
        unread.shift();
        this.unreadDropped++;
      }
      this.unread.set(name, unread);
      for (const listener of this.listeners) listener(value);
    });
    const seed = await this.port.read(requests.map((r) => r.nodeId));
    const ts = this.clock.now();
    names.forEach((name, i) => {
      const result = results[i]!;
      if (qualityOf(result.statusCode) === 'bad') {
        // The item was refused (unknown node, deadband on a string): it stays bad until the next session.
        this.latest.set(name, { ...this.bad(name, errorCodeOf(result.statusName, 'bad'), ts), errorDetail: result.statusName });
      } else if (!this.latest.has(name)) {
        this.latest.set(name, this.toTagValue(name, seed[i]!, ts));
      }
    });
  }

  /** EngineeringUnits of tags without a configured unit, read once per tag. */
  private async discoverUnits(): Promise<void> {
    const pending = [...this.tags.entries()].filter(([name, t]) => t.nodeId && !t.config.unit && !this.discoveredUnits.has(name) && !this.nodeInfos.has(name));
    await Promise.all(pending.map(async ([name, t]) => {
      try {
        await this.nodeInfoOf(name, t.nodeId!);
      } catch {
        // An unknown node is reported by its reads; a unit is not worth failing the link for.
      }
    }));
  }

  private nodeInfoOf(name: string, nodeId: string): Promise<OpcuaNodeInfo> {
    let info = this.nodeInfos.get(name);
    if (!info) {
      info = this.port.nodeInfo(nodeId).then((i) => {
        if (i.engineeringUnit) this.discoveredUnits.set(name, i.engineeringUnit);
        return i;
      });
      info.catch(() => this.nodeInfos.delete(name));
      this.nodeInfos.set(name, info);
    }
    return info;
  }

  private toTagValue(tag: string, dv: OpcuaDataValue, ts: number): OpcuaTagValue {
    const quality = qualityOf(dv.statusCode);
    if (quality === 'bad') return { ...this.bad(tag, errorCodeOf(dv.statusName, quality), ts), errorDetail: dv.statusName };
    const value = toTagScalar(dv.dataType, dv.value);
    if (value === undefined) return { ...this.bad(tag, 'DECODE_FAILED', ts), errorDetail: `${dv.dataType} cannot be reported as a scalar` };
    if (quality === 'uncertain') return { device: this.name, tag, value, quality, ts, error: 'UNCERTAIN_STATUS', errorDetail: dv.statusName };
    return { device: this.name, tag, value, quality, ts };
  }

  private bad(tag: string, error: string, ts = this.clock.now()): OpcuaTagValue {
    return { device: this.name, tag, value: null, quality: 'bad', ts, error };
  }
}
