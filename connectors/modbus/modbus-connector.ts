/**
 * The Modbus connector: validates tag addresses, plans and executes grouped reads, writes
 * coils and holding registers, and keeps the link up by itself (jittered backoff reconnects).
 * It reports values only; the gateway owns cadence, caching and publishing (STYLE.md rule 5).
 */
import type { ModbusConnectorConfig } from '../../config/site-schema.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { ConnectOptions, Connector, LinkState, ReadGroup, ReadOptions, TagProblem, TagValue } from '../connector.ts';
import { ConnectorError, type ConnectorErrorCode } from '../errors.ts';
import { silentLogger, type ConnectorLogger } from '../connector-logger.ts';
import { LinkSupervisor } from '../link-supervisor.ts';
import { formatModbusAddress, modbusAreas, type ModbusArea } from './modbus-address.ts';
import { decodeRegisters, encodeEngineering, toEngineering } from './modbus-codec.ts';
import { createModbusSerialPort, type ModbusPort, type ModbusPortFactory } from './modbus-port.ts';
import { buildTagTable, groupByInterval, type ConfiguredTag } from './modbus-tags.ts';
import { planReads, type PlannedItem, type ReadRequest } from './read-planner.ts';

export interface ModbusConnectorDeps {
  portFactory?: ModbusPortFactory;
  clock?: Clock;
  logger?: ConnectorLogger;
  /** 0..1 source for backoff jitter. */
  random?: () => number;
}

export interface ModbusConnectorStats {
  /** Read and write requests sent to the device. */
  requests: number;
  /** Requests that failed (timeout, device exception, link loss, undecodable answer). */
  failedRequests: number;
  /** Times the link came back after it was lost. */
  reconnects: number;
}

type ReadData = readonly boolean[] | readonly number[];

const readers: Readonly<Record<ModbusArea, (port: ModbusPort, start: number, count: number) => Promise<ReadData>>> = {
  co: (port, start, count) => port.readCoils(start, count),
  di: (port, start, count) => port.readDiscreteInputs(start, count),
  ir: (port, start, count) => port.readInputRegisters(start, count),
  hr: (port, start, count) => port.readHoldingRegisters(start, count),
};

/**
 * Errors after which the TCP stream or serial line is in an unknown state (a half-open socket,
 * a late answer still in flight): reconnecting is the cheap, reliable way back.
 */
const linkLossCodes: ReadonlySet<ConnectorErrorCode> = new Set(['TIMEOUT', 'LINK_DOWN']);

const codeOf = (err: unknown): ConnectorErrorCode => (err instanceof ConnectorError ? err.code : 'DECODE_FAILED');

export class ModbusConnector implements Connector {
  readonly name: string;
  readonly protocol = 'modbus';
  private readonly tags: ReadonlyMap<string, ConfiguredTag>;
  private readonly problems: TagProblem[];
  private readonly plans = new Map<string, ReadRequest[]>();
  private readonly clock: Clock;
  private readonly portFactory: ModbusPortFactory;
  private readonly link: LinkSupervisor;
  private readonly counters = { requests: 0, failedRequests: 0 };
  private port: ModbusPort | undefined;
  private queueTail: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: ModbusConnectorConfig, deps: ModbusConnectorDeps = {}) {
    this.name = config.name;
    this.clock = deps.clock ?? systemClock;
    this.portFactory = deps.portFactory ?? createModbusSerialPort;
    ({ tags: this.tags, problems: this.problems } = buildTagTable(config));
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

  groups(): ReadGroup[] {
    return groupByInterval(this.tags, this.config.pollIntervalMs);
  }

  unitOf(tag: string): string | undefined {
    return this.tags.get(tag)?.config.unit;
  }

  linkState(): LinkState {
    return this.link.state;
  }

  stats(): ModbusConnectorStats {
    return { ...this.counters, reconnects: this.link.reconnects };
  }

  connect(opts: ConnectOptions = {}): Promise<void> {
    return this.link.connect(opts.signal);
  }

  close(): Promise<void> {
    return this.link.close().then(() => this.queueTail).then(() => undefined);
  }

  async read(group: ReadGroup, opts: ReadOptions = {}): Promise<TagValue[]> {
    opts.signal?.throwIfAborted();
    const results = new Map<string, TagValue>();
    for (const name of group.tags) {
      const tag = this.tags.get(name);
      if (!tag) results.set(name, this.bad(name, 'UNKNOWN_TAG'));
      else if (!tag.address) results.set(name, this.bad(name, 'BAD_ADDRESS'));
    }
    let linkDown = this.link.state !== 'up';
    for (const request of this.planFor(group)) {
      opts.signal?.throwIfAborted();
      if (linkDown) {
        for (const item of request.items) results.set(item.tag, this.bad(item.tag, 'LINK_DOWN'));
        continue;
      }
      try {
        const data = await this.exclusive(() => this.execute(request));
        const ts = this.clock.now();
        for (const item of request.items) results.set(item.tag, this.decodeItem(item, request.area, data, ts));
      } catch (err) {
        const code = codeOf(err);
        for (const item of request.items) results.set(item.tag, this.bad(item.tag, code));
        if (linkLossCodes.has(code)) {
          // The rest of this read would only wait out more timeouts on a dead link.
          this.link.lost(err);
          linkDown = true;
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
    if (!address.writable) {
      throw new ConnectorError('READ_ONLY', `tag "${tagName}" (${formatModbusAddress(address)}) is a ${modbusAreas[address.area].description}`);
    }
    // Encode before queueing: a value that does not fit rejects without touching the device.
    let send: (port: ModbusPort) => Promise<void>;
    if (address.area === 'co') {
      const state = coilState(tagName, value);
      send = (port) => port.writeCoil(address.offset, state);
    } else {
      const registers = encodeEngineering(typeof value === 'boolean' ? Number(value) : value, tag.config, address.type, address.order);
      send = (port) => port.writeRegisters(address.offset, registers);
    }
    await this.exclusive(async () => {
      opts.signal?.throwIfAborted();
      const port = this.port;
      if (this.link.state !== 'up' || !port) {
        throw new ConnectorError('LINK_DOWN', `cannot write "${tagName}": the link to "${this.name}" is ${this.link.state}`);
      }
      this.counters.requests++;
      try {
        await send(port);
      } catch (err) {
        this.counters.failedRequests++;
        const code = codeOf(err);
        if (linkLossCodes.has(code)) this.link.lost(err);
        throw err instanceof ConnectorError ? err : new ConnectorError(code, `write "${tagName}": ${String(err)}`);
      }
    });
  }

  private async openLink(): Promise<void> {
    if (!this.port) {
      const port = await this.portFactory();
      port.onLinkLost((reason) => this.link.lost(reason));
      port.setID(this.config.unitId);
      port.setTimeout(this.config.timeoutMs);
      this.port = port;
    }
    const c = this.config.connection;
    await (c.transport === 'tcp'
      ? this.port.connectTCP({ host: c.host, port: c.port, connectTimeoutMs: this.config.timeoutMs })
      : this.port.connectRTU(c.path, { baudRate: c.baudRate, parity: c.parity, dataBits: c.dataBits, stopBits: c.stopBits }));
  }

  /** One request at a time per connector: RTU lines allow nothing else, and writes stay ordered. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queueTail.then(fn, fn);
    this.queueTail = run.catch(() => undefined);
    return run;
  }

  private async execute(request: ReadRequest): Promise<ReadData> {
    const port = this.port;
    if (this.link.state !== 'up' || !port) throw new ConnectorError('LINK_DOWN', `the link to "${this.name}" is ${this.link.state}`);
    this.counters.requests++;
    try {
      const data = await readers[request.area](port, request.start, request.count);
      if (data.length < request.count) {
        throw new ConnectorError('DECODE_FAILED', `${request.area}:${request.start} x${request.count} answered ${data.length} values`);
      }
      return data;
    } catch (err) {
      this.counters.failedRequests++;
      throw err;
    }
  }

  private planFor(group: ReadGroup): ReadRequest[] {
    const key = group.tags.join('\n');
    let plan = this.plans.get(key);
    if (!plan) {
      const planned = [...new Set(group.tags)].flatMap((name) => {
        const address = this.tags.get(name)?.address;
        return address ? [{ name, address }] : [];
      });
      plan = planReads(planned, { maxRegistersPerRead: this.config.maxRegistersPerRead, maxGapRegisters: this.config.maxGapRegisters });
      this.plans.set(key, plan);
    }
    return plan;
  }

  private decodeItem(item: PlannedItem, area: ModbusArea, data: ReadData, ts: number): TagValue {
    const tag = this.tags.get(item.tag)!;
    const address = tag.address!;
    try {
      if (modbusAreas[area].unit === 'bit') {
        return { device: this.name, tag: item.tag, value: Boolean(data[item.index]), quality: 'good', ts };
      }
      const raw = decodeRegisters((data as readonly number[]).slice(item.index, item.index + item.width), address.type, address.order);
      const value = toEngineering(raw, tag.config, address.type);
      // NaN and infinities cannot travel as JSON or Sparkplug metrics a consumer can trust.
      if (!Number.isFinite(value)) return this.bad(item.tag, 'DECODE_FAILED', ts);
      return { device: this.name, tag: item.tag, value, quality: 'good', ts };
    } catch (err) {
      return this.bad(item.tag, codeOf(err), ts);
    }
  }

  private bad(tag: string, error: ConnectorErrorCode, ts = this.clock.now()): TagValue {
    return { device: this.name, tag, value: null, quality: 'bad', ts, error };
  }
}

/** Coils take booleans; 0 and 1 are accepted as the same. */
function coilState(tagName: string, value: number | boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  throw new ConnectorError('OUT_OF_RANGE', `coil "${tagName}" takes true/false (or 1/0), got ${value}`);
}
