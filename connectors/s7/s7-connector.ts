/**
 * The S7 connector: validates tag addresses, reads each poll group in one nodes7 batch,
 * writes bits and numbers one at a time, and keeps the link up by itself (jittered backoff
 * reconnects). It reports values only; the gateway owns cadence, caching and publishing.
 */
import type { S7ConnectorConfig } from '../../config/s7-schema.ts';
import { systemClock, type Clock } from '../clock.ts';
import { silentLogger, type ConnectorLogger } from '../connector-logger.ts';
import type { ConnectOptions, Connector, LinkState, ReadGroup, ReadOptions, TagProblem, TagValue } from '../connector.ts';
import { ConnectorError, type ConnectorErrorCode } from '../errors.ts';
import { LinkSupervisor } from '../link-supervisor.ts';
import { toEngineering, toRaw } from './s7-codec.ts';
import { createNodeS7Port, type S7ItemResult, type S7Port, type S7PortFactory } from './s7-port.ts';
import { buildS7TagTable, groupS7TagsByInterval, type S7ConfiguredTag } from './s7-tags.ts';

export interface S7ConnectorDeps {
  portFactory?: S7PortFactory;
  clock?: Clock;
  logger?: ConnectorLogger;
  /** 0..1 source for backoff jitter. */
  random?: () => number;
}

export interface S7ConnectorStats {
  /** Read batches and writes sent to the PLC. */
  requests: number;
  /** Requests that failed as a whole (timeout, link loss, refused write). */
  failedRequests: number;
  /** Times the link came back after it was lost. */
  reconnects: number;
}

/** After these the ISO-on-TCP stream is in an unknown state: reconnecting is the way back. */
const linkLossCodes: ReadonlySet<ConnectorErrorCode> = new Set(['TIMEOUT', 'LINK_DOWN']);

const codeOf = (err: unknown): ConnectorErrorCode => (err instanceof ConnectorError ? err.code : 'DECODE_FAILED');

export class S7Connector implements Connector {
  readonly name: string;
  readonly protocol = 's7';
  private readonly tags: ReadonlyMap<string, S7ConfiguredTag>;
  private readonly problems: TagProblem[];
  private readonly clock: Clock;
  private readonly portFactory: S7PortFactory;
  private readonly link: LinkSupervisor;
  private readonly counters = { requests: 0, failedRequests: 0 };
  private port: S7Port | undefined;

  constructor(private readonly config: S7ConnectorConfig, deps: S7ConnectorDeps = {}) {
    this.name = config.name;
    this.clock = deps.clock ?? systemClock;
    this.portFactory = deps.portFactory ?? createNodeS7Port;
    ({ tags: this.tags, problems: this.problems } = buildS7TagTable(config.tags));
    this.link = new LinkSupervisor({
      name: config.name,
      open: () => this.openLink(),
      close: () => this.port?.close() ?? Promise.resolve(),
      isFatal: (err) => err instanceof ConnectorError && err.code === 'TRANSPORT_UNAVAILABLE',
      policy: config.reconnect,
      clock: this.clock,
      random: deps.random ?? Math.random,
      logger: deps.logger ?? silentLogger,
    });
  }

  validate(): TagProblem[] {
    return this.problems.map((p) => ({ ...p }));
  }

  /** Array addresses appear as one tag per element, "<name>[i]". */
  groups(): ReadGroup[] {
    return groupS7TagsByInterval(this.tags, this.config.pollIntervalMs);
  }

  unitOf(tag: string): string | undefined {
    return this.tags.get(tag)?.config.unit;
  }

  linkState(): LinkState {
    return this.link.state;
  }

  stats(): S7ConnectorStats {
    return { ...this.counters, reconnects: this.link.reconnects };
  }

  connect(opts: ConnectOptions = {}): Promise<void> {
    return this.link.connect(opts.signal);
  }

  close(): Promise<void> {
    return this.link.close();
  }

  async read(group: ReadGroup, opts: ReadOptions = {}): Promise<TagValue[]> {
    opts.signal?.throwIfAborted();
    const results = new Map<string, TagValue>();
    const wanted = new Map<string, string[]>(); // nodes7 address -> tag names
    for (const name of group.tags) {
      const tag = this.tags.get(name);
      if (!tag) results.set(name, this.bad(name, 'UNKNOWN_TAG'));
      else if (!tag.address) results.set(name, this.bad(name, 'BAD_ADDRESS'));
      else wanted.set(tag.address.text, [...(wanted.get(tag.address.text) ?? []), name]);
    }
    if (wanted.size > 0) {
      const port = this.port;
      if (this.link.state !== 'up' || !port) {
        for (const names of wanted.values()) for (const name of names) results.set(name, this.bad(name, 'LINK_DOWN'));
      } else {
        this.counters.requests++;
        try {
          const items = await port.readItems([...wanted.keys()]);
          const ts = this.clock.now();
          for (const [address, names] of wanted) {
            for (const name of names) results.set(name, this.decode(name, items.get(address), ts));
          }
        } catch (err) {
          this.counters.failedRequests++;
          const code = codeOf(err);
          for (const names of wanted.values()) for (const name of names) results.set(name, this.bad(name, code));
          if (linkLossCodes.has(code)) this.link.lost(err);
        }
      }
    }
    return group.tags.map((name) => results.get(name)!);
  }

  async write(tagName: string, value: number | boolean, opts: ReadOptions = {}): Promise<void> {
    const tag = this.tags.get(tagName);
    if (!tag) throw new ConnectorError('UNKNOWN_TAG', `tag "${tagName}" on connector "${this.name}"`);
    const { address } = tag;
    if (!address) throw new ConnectorError('BAD_ADDRESS', `tag "${tagName}" has address "${tag.config.address}"`);
    // Encode before sending: a value that does not fit rejects without touching the PLC.
    const raw = toRaw(value, address, tag.config, tagName);
    opts.signal?.throwIfAborted();
    const port = this.port;
    if (this.link.state !== 'up' || !port) {
      throw new ConnectorError('LINK_DOWN', `cannot write "${tagName}": the link to "${this.name}" is ${this.link.state}`);
    }
    this.counters.requests++;
    try {
      // The port runs one request at a time (nodes7 takes one write at a time), so writes stay ordered.
      await port.writeItem(address.text, raw);
    } catch (err) {
      this.counters.failedRequests++;
      const code = codeOf(err);
      if (linkLossCodes.has(code)) this.link.lost(err);
      throw err instanceof ConnectorError ? err : new ConnectorError(code, `write "${tagName}": ${String(err)}`);
    }
  }

  private async openLink(): Promise<void> {
    if (!this.port) {
      const port = await this.portFactory();
      port.onLinkLost((reason) => this.link.lost(reason));
      this.port = port;
    }
    const { host, port, rack, slot } = this.config.connection;
    await this.port.connect({ host, port, rack, slot, timeoutMs: this.config.timeoutMs });
  }

  private decode(name: string, item: S7ItemResult | undefined, ts: number): TagValue {
    if (!item) return this.bad(name, 'DECODE_FAILED', ts);
    if (!item.ok) return this.bad(name, 'DEVICE_EXCEPTION', ts);
    const tag = this.tags.get(name)!;
    const value = toEngineering(item.value, tag.address!, tag.config);
    if (value === undefined) return this.bad(name, 'DECODE_FAILED', ts);
    return { device: this.name, tag: name, value, quality: 'good', ts };
  }

  private bad(tag: string, error: ConnectorErrorCode, ts = this.clock.now()): TagValue {
    return { device: this.name, tag, value: null, quality: 'bad', ts, error };
  }
}
