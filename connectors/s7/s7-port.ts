/**
 * The narrow slice of an S7 client the connector uses (STYLE.md rule 3), and its nodes7
 * implementation. Fakes implement S7Port; everything else depends on it.
 *
 * Every method rejects with a ConnectorError whose code is TIMEOUT, LINK_DOWN,
 * DEVICE_EXCEPTION or TRANSPORT_UNAVAILABLE, so callers never see library error shapes.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { ConnectorError } from '../errors.ts';
import type { NodeS7Connection, NodeS7Constructor } from './nodes7-types.ts';

export interface S7Target {
  host: string;
  port: number;
  rack: number;
  slot: number;
  /** Connect and per-request timeout. */
  timeoutMs: number;
}

/** One item of a read: `ok` is false when the PLC refused it (no such DB, past its end). */
export interface S7ItemResult {
  ok: boolean;
  value: unknown;
  /** nodes7's quality text: 'OK' or 'BAD <code>'. */
  quality: string;
}

export interface S7Port {
  /** Opens ISO-on-TCP and negotiates the PDU, replacing any previous connection. */
  connect(target: S7Target): Promise<void>;
  /** Reads nodes7 addresses in as few requests as the PDU allows. Rejects only when the link fails. */
  readItems(addresses: readonly string[]): Promise<Map<string, S7ItemResult>>;
  /** Writes one nodes7 address; rejects with DEVICE_EXCEPTION when the PLC refuses it. */
  writeItem(address: string, value: number | boolean | string): Promise<void>;
  /** Closes the link; pending requests reject with LINK_DOWN. Never rejects. */
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** Called once per connection when it drops (PLC stopped, cable pulled, request timed out). */
  onLinkLost(listener: (reason: Error) => void): void;
}

export type S7PortFactory = () => S7Port | Promise<S7Port>;

/** nodes7's isoConnectionState once the PDU is negotiated. */
const connectedState = 4;

function loadNodeS7(): NodeS7Constructor {
  try {
    return createRequire(import.meta.url)('nodes7') as NodeS7Constructor;
  } catch (err) {
    throw new ConnectorError('TRANSPORT_UNAVAILABLE', `the "nodes7" package cannot be loaded (${(err as Error).message.split('\n')[0]}); run npm ci`);
  }
}

const qualityText = (q: unknown): string => (Array.isArray(q) ? q.find((x) => x !== 'OK') ?? 'OK' : String(q));

/** nodes7 calls back connect failures with an Error, `{ code }` or a plain string. */
function connectError(err: unknown, target: S7Target): ConnectorError {
  const where = `${target.host}:${target.port}`;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EUSERTIMEOUT') return new ConnectorError('TIMEOUT', `TCP connect to ${where} took longer than ${target.timeoutMs} ms`);
  if (typeof err === 'string') {
    return new ConnectorError('LINK_DOWN', `${where} accepted TCP but refused the S7 connection; check rack ${target.rack} / slot ${target.slot} and that the CPU allows PUT/GET`);
  }
  return new ConnectorError('LINK_DOWN', `cannot connect to ${where} (${typeof code === 'string' ? code : (err as Error)?.message ?? String(err)})`);
}

/**
 * nodes7 removes every 'error' listener of its socket at several points (PDU negotiation,
 * cleanup) and re-adds its own only on some paths; an error in such a gap would be thrown
 * out of the process. With no listener left, the error is dropped here instead: the socket
 * closes after an error, and 'close' is what the port watches.
 */
function guardSocket(socket: Socket): void {
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'error' && socket.listenerCount('error') === 0) return false;
    return emit(event, ...args);
  }) as Socket['emit'];
}

/**
 * Stops a nodes7 connection for good. nodes7 reconnects by itself (after timeouts and on
 * the next read after a drop); the link supervisor owns reconnects here, so a connection
 * that was closed or lost must never dial again.
 */
function retire(conn: NodeS7Connection): void {
  conn.connectNow = () => {};
  for (const timer of [conn.reconnectTimer, conn.rereadTimer, conn.resetTimeout, conn.connectTimeout, conn.PDUTimeout]) clearTimeout(timer);
  conn.connectionCleanup();
}

/** nodes7 behind S7Port: one nodes7 connection per connect(), one request at a time. */
export class NodeS7Port implements S7Port {
  private conn: NodeS7Connection | undefined;
  private target: S7Target | undefined;
  private connection = 0;
  private open = false;
  private itemsKey: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<(err: Error) => void>();
  private readonly listeners: Array<(reason: Error) => void> = [];

  constructor(private readonly NodeS7: NodeS7Constructor) {}

  get isOpen(): boolean {
    return this.open;
  }

  onLinkLost(listener: (reason: Error) => void): void {
    this.listeners.push(listener);
  }

  async connect(target: S7Target): Promise<void> {
    await this.close();
    const connection = ++this.connection;
    const conn = new this.NodeS7({ silent: true });
    this.conn = conn;
    this.target = target;
    this.itemsKey = undefined;
    await new Promise<void>((resolve, reject) => {
      // TCP connect, ISO connect and PDU negotiation each get timeoutMs inside nodes7, but
      // an ISO or PDU timeout never calls back: this deadline covers all three.
      const timer = setTimeout(() => {
        retire(conn);
        reject(new ConnectorError('TIMEOUT', `S7 connect to ${target.host}:${target.port} took longer than ${3 * target.timeoutMs} ms`));
      }, 3 * target.timeoutMs);
      conn.initiateConnection(
        { host: target.host, port: target.port, rack: target.rack, slot: target.slot, timeout: target.timeoutMs },
        (err) => {
          clearTimeout(timer);
          if (err === undefined || err === null) resolve();
          else {
            retire(conn);
            reject(connectError(err, target));
          }
        },
      );
      // The socket exists as soon as initiateConnection returns.
      if (conn.isoclient) guardSocket(conn.isoclient);
    });
    const socket = conn.isoclient;
    if (connection !== this.connection || !socket || socket.destroyed) {
      retire(conn);
      throw new ConnectorError('LINK_DOWN', `connection to ${target.host}:${target.port} dropped while opening`);
    }
    socket.setNoDelay(true);
    socket.once('close', () => this.lost(connection, new Error('connection closed by the PLC')));
    this.open = true;
  }

  readItems(addresses: readonly string[]): Promise<Map<string, S7ItemResult>> {
    return this.request(`read ${addresses.length} items`, (conn, done) => {
      const key = addresses.join('\n');
      if (key !== this.itemsKey) {
        conn.removeItems();
        conn.addItems([...addresses]);
        this.itemsKey = key;
      }
      conn.readAllItems(() => {
        const results = new Map<string, S7ItemResult>();
        for (const address of addresses) {
          const item = conn.findItem(address);
          const quality = item ? qualityText(item.quality) : 'BAD (not read)';
          results.set(address, { ok: quality === 'OK', value: item?.value, quality });
        }
        done(results);
      });
    });
  }

  writeItem(address: string, value: number | boolean | string): Promise<void> {
    return this.request(`write ${address}`, (conn, done, fail) => {
      const busy = conn.writeItems(address, value, (anyBad) => {
        if (anyBad) fail(new ConnectorError('DEVICE_EXCEPTION', `the PLC refused the write to ${address} (does the DB exist, and is it long enough?)`));
        else done(undefined);
      });
      // Requests are serialized, so nodes7 should never be busy; if it is, say so rather than hang.
      if (busy !== 0) fail(new ConnectorError('DEVICE_EXCEPTION', `write ${address}: nodes7 still has a write in flight`));
    });
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    this.open = false;
    this.connection++;
    if (conn) retire(conn);
    this.failPending(new ConnectorError('LINK_DOWN', 'the connection was closed'));
  }

  private lost(connection: number, reason: Error): void {
    if (connection !== this.connection) return;
    const wasOpen = this.open;
    this.open = false;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) retire(conn);
    this.failPending(new ConnectorError('LINK_DOWN', `link lost (${reason.message})`));
    if (wasOpen) for (const listener of this.listeners) listener(reason);
  }

  private failPending(err: Error): void {
    for (const reject of [...this.pending]) reject(err);
    this.pending.clear();
  }

  /**
   * Runs one nodes7 call at a time: nodes7 keeps one read callback and one write callback,
   * and refuses a write while another is in flight. A request the library never answers
   * fails by a deadline, and a request after which nodes7 reset its connection (its packet
   * timeout) fails as TIMEOUT rather than returning its "BAD" values as data.
   */
  private request<T>(what: string, call: (conn: NodeS7Connection, done: (value: T) => void, fail: (err: Error) => void) => void): Promise<T> {
    const run = this.tail.then(() => this.runNow(what, call));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private runNow<T>(what: string, call: (conn: NodeS7Connection, done: (value: T) => void, fail: (err: Error) => void) => void): Promise<T> {
    const conn = this.conn;
    const target = this.target;
    if (!conn || !target || !this.open) return Promise.reject(new ConnectorError('LINK_DOWN', `${what}: not connected`));
    const connection = this.connection;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | undefined, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(onLost);
        if (err) reject(err);
        else resolve(value as T);
      };
      const onLost = (err: Error) => settle(err);
      this.pending.add(onLost);
      const deadlineMs = 2 * target.timeoutMs + 200;
      const timer = setTimeout(() => {
        const err = new ConnectorError('TIMEOUT', `${what}: no answer in ${deadlineMs} ms`);
        settle(err);
        this.lost(connection, err);
      }, deadlineMs);
      const done = (value: T) => {
        if (conn.isoConnectionState !== connectedState) settle(new ConnectorError('TIMEOUT', `${what}: the PLC did not answer in ${target.timeoutMs} ms`));
        else settle(undefined, value);
      };
      try {
        call(conn, done, (err) => settle(err));
      } catch (err) {
        settle(new ConnectorError('DEVICE_EXCEPTION', `${what}: ${(err as Error)?.message ?? String(err)}`));
      }
    });
  }
}

/** The production port factory. */
export function createNodeS7Port(): S7Port {
  return new NodeS7Port(loadNodeS7());
}
