/**
 * The narrow slice of a Modbus master the connector uses (STYLE.md rule 3), and its
 * modbus-serial implementation. Fakes implement ModbusPort; everything else depends on it.
 *
 * Every method rejects with a ConnectorError whose code is TIMEOUT, DEVICE_EXCEPTION,
 * LINK_DOWN, DECODE_FAILED or TRANSPORT_UNAVAILABLE, so callers never see library error shapes.
 */
import { Socket } from 'node:net';
import { ConnectorError } from '../errors.ts';

export interface TcpTarget {
  host: string;
  port: number;
  /** Give up a TCP connect after this long. */
  connectTimeoutMs: number;
}

export interface SerialSettings {
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  dataBits: 7 | 8;
  stopBits: 1 | 2;
}

export interface ModbusPort {
  /** Opens a Modbus TCP connection, replacing any previous one. */
  connectTCP(target: TcpTarget): Promise<void>;
  /** Opens a serial line for Modbus RTU (buffered framing); needs the optional `serialport` package. */
  connectRTU(path: string, settings: SerialSettings): Promise<void>;
  /** Unit (slave) id used for every following request. */
  setID(unitId: number): void;
  /** Per-request response timeout. */
  setTimeout(ms: number): void;
  readCoils(start: number, count: number): Promise<boolean[]>;
  readDiscreteInputs(start: number, count: number): Promise<boolean[]>;
  readInputRegisters(start: number, count: number): Promise<number[]>;
  readHoldingRegisters(start: number, count: number): Promise<number[]>;
  writeCoil(address: number, state: boolean): Promise<void>;
  writeRegisters(start: number, registers: readonly number[]): Promise<void>;
  /** Closes the link; pending requests reject with LINK_DOWN. Never rejects. */
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** Called once per connection when it drops (peer closed, reset, serial unplugged). */
  onLinkLost(listener: (reason: Error) => void): void;
}

export type ModbusPortFactory = () => ModbusPort | Promise<ModbusPort>;

/** The modbus-serial client members used here (its typings declare more). */
interface ModbusClient {
  linkTCP(socket: Socket, options: { port: number }): Promise<void>;
  connectRTUBuffered(path: string, options: SerialSettings): Promise<void>;
  setID(id: number): void;
  setTimeout(ms: number): void;
  readCoils(start: number, count: number): Promise<{ data: boolean[] }>;
  readDiscreteInputs(start: number, count: number): Promise<{ data: boolean[] }>;
  readInputRegisters(start: number, count: number): Promise<{ data: number[] }>;
  readHoldingRegisters(start: number, count: number): Promise<{ data: number[] }>;
  writeCoil(address: number, state: boolean): Promise<unknown>;
  writeRegisters(start: number, values: number[]): Promise<unknown>;
  close(callback: () => void): void;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  readonly isOpen: boolean;
}

type ClientConstructor = new () => ModbusClient;

/** Loads modbus-serial on first use, so gateways without Modbus connectors never load it. */
async function loadModbusSerial(): Promise<ClientConstructor> {
  // The CommonJS module sets `module.exports.default = module.exports`; typed through ESM the
  // class is `.default.default` (`new mod.default()` is TS2351), and at runtime both are the class.
  try {
    const mod = await import('modbus-serial');
    return mod.default.default as unknown as ClientConstructor;
  } catch (err) {
    throw new ConnectorError('TRANSPORT_UNAVAILABLE', `the "modbus-serial" package cannot be loaded (${(err as Error).message.split('\n')[0]}); run npm ci`);
  }
}

/** True when `err` says the optional native `serialport` package cannot be loaded. */
export function isMissingSerialport(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.message !== 'string') return false;
  const moduleMissing = (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') && /serialport/i.test(e.message);
  // @serialport/bindings-cpp loads a native addon through node-gyp-build.
  const addonMissing = /No native build was found|Could not locate the bindings file/i.test(e.message);
  return moduleMissing || addonMissing;
}

/** Maps modbus-serial's error shapes (some are not even Error instances) to catalogue codes. */
export function toConnectorError(err: unknown, what: string, linkOpen: boolean): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = (err ?? {}) as { modbusCode?: unknown; errno?: unknown; code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.modbusCode === 'number') return new ConnectorError('DEVICE_EXCEPTION', `${what}: ${message}`);
  if (e.errno === 'ETIMEDOUT' || e.code === 'ETIMEDOUT') return new ConnectorError('TIMEOUT', `${what}: no answer in time`);
  if (!linkOpen || message === 'Port Not Open') return new ConnectorError('LINK_DOWN', `${what}: ${message}`);
  return new ConnectorError('DECODE_FAILED', `${what}: ${message}`);
}

/**
 * modbus-serial behind ModbusPort. Why it owns the TCP socket (connect, then `linkTCP`):
 * modbus-serial's TcpPort swallows socket errors and, after an error such as ECONNRESET, never
 * emits 'close'; and it fails pending requests on a dropped link only by their timeout. Owning
 * the socket lets us see every drop and fail pending requests at once.
 */
export class ModbusSerialPort implements ModbusPort {
  private client: ModbusClient | undefined;
  private socket: Socket | undefined;
  private unitId = 1;
  private timeoutMs = 2000;
  private connection = 0;
  private open = false;
  private readonly pending = new Set<(err: Error) => void>();
  private readonly listeners: Array<(reason: Error) => void> = [];

  constructor(private readonly Client: ClientConstructor) {}

  get isOpen(): boolean {
    return this.open;
  }

  onLinkLost(listener: (reason: Error) => void): void {
    this.listeners.push(listener);
  }

  setID(unitId: number): void {
    this.unitId = unitId;
    this.client?.setID(unitId);
  }

  setTimeout(ms: number): void {
    this.timeoutMs = ms;
    this.client?.setTimeout(ms);
  }

  async connectTCP(target: TcpTarget): Promise<void> {
    await this.close();
    const connection = ++this.connection;
    const socket = new Socket();
    let lastError: Error | undefined;
    // Attached before anything can fail, so no socket error is ever unhandled.
    socket.on('error', (err) => { lastError = err; });
    socket.once('close', () => this.lost(connection, lastError ?? new Error('connection closed by the device')));
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectorError('TIMEOUT', `TCP connect to ${target.host}:${target.port} took longer than ${target.connectTimeoutMs} ms`));
      }, target.connectTimeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(new ConnectorError('LINK_DOWN', `cannot connect to ${target.host}:${target.port} (${(err as NodeJS.ErrnoException).code ?? err.message})`));
      };
      // close() while connecting destroys the socket without an error event.
      const onClose = () => onError(new Error('closed while connecting'));
      socket.once('error', onError);
      socket.once('close', onClose);
      socket.connect({ host: target.host, port: target.port }, () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('close', onClose);
        resolve();
      });
    });
    socket.setNoDelay(true);
    const client = this.newClient();
    await client.linkTCP(socket, { port: target.port });
    if (connection !== this.connection || socket.destroyed) {
      throw new ConnectorError('LINK_DOWN', `connection to ${target.host}:${target.port} dropped while opening`);
    }
    this.open = true;
  }

  async connectRTU(path: string, settings: SerialSettings): Promise<void> {
    await this.close();
    const connection = ++this.connection;
    const client = this.newClient();
    client.on('close', () => this.lost(connection, new Error(`serial port ${path} closed`)));
    try {
      const opening = client.connectRTUBuffered(path, { ...settings });
      // The serial port object exists once connectRTUBuffered returns; guard its 'error' event
      // before the open completes (modbus-serial only listens after a successful open).
      (client as unknown as { _port?: { on(e: 'error', l: () => void): void } })._port?.on('error', () => {});
      await opening;
    } catch (err) {
      if (isMissingSerialport(err)) {
        throw new ConnectorError('TRANSPORT_UNAVAILABLE', `Modbus RTU on ${path} needs the optional "serialport" package, which cannot be loaded (${(err as Error).message.split('\n')[0]})`);
      }
      throw new ConnectorError('LINK_DOWN', `cannot open serial port ${path} (${(err as Error)?.message ?? String(err)})`);
    }
    this.open = true;
  }

  readCoils(start: number, count: number): Promise<boolean[]> {
    return this.request(`read coils ${start} x${count}`, (c) => c.readCoils(start, count)).then((r) => r.data.slice(0, count));
  }

  readDiscreteInputs(start: number, count: number): Promise<boolean[]> {
    return this.request(`read discrete inputs ${start} x${count}`, (c) => c.readDiscreteInputs(start, count)).then((r) => r.data.slice(0, count));
  }

  readInputRegisters(start: number, count: number): Promise<number[]> {
    return this.request(`read input registers ${start} x${count}`, (c) => c.readInputRegisters(start, count)).then((r) => r.data);
  }

  readHoldingRegisters(start: number, count: number): Promise<number[]> {
    return this.request(`read holding registers ${start} x${count}`, (c) => c.readHoldingRegisters(start, count)).then((r) => r.data);
  }

  async writeCoil(address: number, state: boolean): Promise<void> {
    await this.request(`write coil ${address}`, (c) => c.writeCoil(address, state));
  }

  async writeRegisters(start: number, registers: readonly number[]): Promise<void> {
    await this.request(`write registers ${start} x${registers.length}`, (c) => c.writeRegisters(start, [...registers]));
  }

  async close(): Promise<void> {
    const { socket, client } = this;
    this.socket = undefined;
    this.client = undefined;
    if (socket) {
      socket.destroy(); // 'close' follows and fails pending requests
    } else if (client?.isOpen) {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
    this.failPending(new ConnectorError('LINK_DOWN', 'the connection was closed'));
    this.open = false;
  }

  private newClient(): ModbusClient {
    const client = new this.Client();
    // modbus-serial re-emits serial port errors as 'error'; unhandled, that would throw.
    client.on('error', () => {});
    client.setID(this.unitId);
    client.setTimeout(this.timeoutMs);
    this.client = client;
    return client;
  }

  private lost(connection: number, reason: Error): void {
    if (connection !== this.connection) return;
    const wasOpen = this.open;
    this.open = false;
    this.failPending(new ConnectorError('LINK_DOWN', `link lost (${(reason as NodeJS.ErrnoException).code ?? reason.message})`));
    if (wasOpen) for (const listener of this.listeners) listener(reason);
  }

  private failPending(err: Error): void {
    for (const reject of [...this.pending]) reject(err);
    this.pending.clear();
  }

  /** Runs one library call, failing fast with LINK_DOWN when the link drops under it. */
  private request<T>(what: string, call: (client: ModbusClient) => Promise<T>): Promise<T> {
    const client = this.client;
    if (!client || !this.open) return Promise.reject(new ConnectorError('LINK_DOWN', `${what}: not connected`));
    return new Promise<T>((resolve, reject) => {
      const onLost = (err: Error) => reject(err);
      this.pending.add(onLost);
      let settled: Promise<T>;
      try {
        settled = call(client);
      } catch (err) {
        settled = Promise.reject(err);
      }
      settled.then(
        (value) => { this.pending.delete(onLost); resolve(value); },
        (err: unknown) => { this.pending.delete(onLost); reject(toConnectorError(err, what, this.open)); },
      );
    });
  }
}

/** The production port factory. */
export async function createModbusSerialPort(): Promise<ModbusPort> {
  return new ModbusSerialPort(await loadModbusSerial());
}
