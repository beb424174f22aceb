import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { ConnectorError } from '../errors.ts';
import { createModbusSerialPort, isMissingSerialport, toConnectorError, type ModbusPort } from './modbus-port.ts';

/** A TCP server that is not a Modbus device: it accepts, then does what `onData` says. */
async function rawServer(onData: (socket: Socket) => void): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', () => onData(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server, sockets };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openPort(port: number, timeoutMs = 300): Promise<ModbusPort> {
  const modbus = await createModbusSerialPort();
  modbus.setID(1);
  modbus.setTimeout(timeoutMs);
  cleanups.push(() => modbus.close());
  await modbus.connectTCP({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
  return modbus;
}

function closeServer(s: { server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const socket of s.sockets) socket.destroy();
  return new Promise((resolve) => s.server.close(() => resolve()));
}

describe('ModbusSerialPort', () => {
  it('reports TIMEOUT when the device never answers', async () => {
    const silent = await rawServer(() => {});
    cleanups.push(() => closeServer(silent));
    const modbus = await openPort(silent.port, 150);
    const started = Date.now();
    await expect(modbus.readHoldingRegisters(0, 1)).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails a pending request with LINK_DOWN as soon as the device resets the connection', async () => {
    const resetting = await rawServer((socket) => socket.resetAndDestroy());
    cleanups.push(() => closeServer(resetting));
    const modbus = await openPort(resetting.port, 5000);
    const lost: Error[] = [];
    modbus.onLinkLost((reason) => lost.push(reason));
    const started = Date.now();
    await expect(modbus.readInputRegisters(0, 4)).rejects.toMatchObject({ code: 'LINK_DOWN' });
    expect(Date.now() - started).toBeLessThan(1000); // not the 5 s request timeout
    expect(modbus.isOpen).toBe(false);
    expect(lost).toHaveLength(1);
    expect((lost[0] as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    await expect(modbus.readInputRegisters(0, 4)).rejects.toMatchObject({ code: 'LINK_DOWN' });
  });

  it('reports a device that closes the connection as a lost link', async () => {
    const closing = await rawServer((socket) => socket.end());
    cleanups.push(() => closeServer(closing));
    const modbus = await openPort(closing.port, 5000);
    const lost: Error[] = [];
    modbus.onLinkLost((reason) => lost.push(reason));
    await expect(modbus.readCoils(0, 8)).rejects.toMatchObject({ code: 'LINK_DOWN' });
    await expect.poll(() => lost.length).toBe(1);
  });

  it('rejects a connect to a closed port with LINK_DOWN naming the cause', async () => {
    const modbus = await createModbusSerialPort();
    cleanups.push(() => modbus.close());
    const port = await freePort();
    await expect(modbus.connectTCP({ host: '127.0.0.1', port, connectTimeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('does not report its own close as a lost link', async () => {
    const silent = await rawServer(() => {});
    cleanups.push(() => closeServer(silent));
    const modbus = await openPort(silent.port, 5000);
    const lost: Error[] = [];
    modbus.onLinkLost((reason) => lost.push(reason));
    const pending = modbus.readHoldingRegisters(0, 1);
    await modbus.close();
    await expect(pending).rejects.toMatchObject({ code: 'LINK_DOWN' });
    await new Promise((r) => setTimeout(r, 50));
    expect(lost).toEqual([]);
  });

  it('fails to open a serial device that does not exist with LINK_DOWN, not a crash', async () => {
    const modbus = await createModbusSerialPort();
    cleanups.push(() => modbus.close());
    const settings = { baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 } as const;
    await expect(modbus.connectRTU('/dev/ttyEDGESTOCK-MISSING', settings)).rejects.toSatisfy(
      (err: unknown) => err instanceof ConnectorError && (err.code === 'LINK_DOWN' || err.code === 'TRANSPORT_UNAVAILABLE'),
    );
  });
});

describe('isMissingSerialport', () => {
  it('recognises a missing serialport package or native addon', () => {
    expect(isMissingSerialport(Object.assign(new Error("Cannot find module 'serialport'"), { code: 'MODULE_NOT_FOUND' }))).toBe(true);
    expect(isMissingSerialport(new Error('No native build was found for platform=linux arch=riscv64'))).toBe(true);
    expect(isMissingSerialport(Object.assign(new Error("Cannot find module 'debug'"), { code: 'MODULE_NOT_FOUND' }))).toBe(false);
    expect(isMissingSerialport(new Error('Error: No such file or directory, cannot open /dev/ttyUSB0'))).toBe(false);
  });
});

describe('toConnectorError', () => {
  it('maps modbus-serial error shapes to catalogue codes', () => {
    expect(toConnectorError(Object.assign(new Error('Modbus exception 2: Illegal data address'), { modbusCode: 2 }), 'read', true).code).toBe('DEVICE_EXCEPTION');
    expect(toConnectorError({ name: 'TransactionTimedOutError', message: 'Timed out', errno: 'ETIMEDOUT' }, 'read', true).code).toBe('TIMEOUT');
    expect(toConnectorError({ message: 'Port Not Open', errno: 'ECONNREFUSED' }, 'read', true).code).toBe('LINK_DOWN');
    expect(toConnectorError(new Error('Data length error, expected 7 got 5'), 'read', true).code).toBe('DECODE_FAILED');
    expect(toConnectorError(new Error('anything'), 'read', false).code).toBe('LINK_DOWN');
  });
});
