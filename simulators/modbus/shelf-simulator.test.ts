import { Socket } from 'node:net';
import modbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { ambientC, startShelfSimulator, type ShelfSimulator, type ShelfSimulatorOptions } from './shelf-simulator.ts';

type Master = InstanceType<typeof modbusSerial.default>;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(opts: Partial<ShelfSimulatorOptions> = {}): Promise<ShelfSimulator> {
  const sim = await startShelfSimulator({ port: await freePort(), stepMs: 0, ...opts });
  cleanups.push(() => sim.close());
  return sim;
}

async function master(port: number, unitId = 1): Promise<Master> {
  const client = new modbusSerial.default();
  client.on('error', () => {});
  await client.connectTCP('127.0.0.1', { port });
  client.setID(unitId);
  client.setTimeout(1000);
  cleanups.push(() => new Promise<void>((resolve) => client.close(() => resolve())));
  return client;
}

const int16 = (word: number) => (word >= 0x8000 ? word - 0x10000 : word);
function wordsToBuffer(words: number[]): Buffer {
  const buffer = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => buffer.writeUInt16BE(w, i * 2));
  return buffer;
}

/** A raw Modbus TCP frame: MBAP header (transaction, protocol 0, length) + unit + PDU. */
function frame(transaction: number, unit: number, pdu: number[]): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt16BE(transaction, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt16BE(pdu.length + 1, 4);
  header.writeUInt8(unit, 6);
  return Buffer.concat([header, Buffer.from(pdu)]);
}

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.on('error', () => {});
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => resolve(socket));
  });
}

describe('shelf simulator', () => {
  it('serves the documented register map to a Modbus master', async () => {
    const sim = await simulator();
    for (let i = 0; i < 3; i++) sim.step();
    const pinned = [-3.7, 0, 4.1, 8.5, 1.9, 12.3, -20, 5];
    pinned.forEach((c, i) => sim.setTemperature(i, c));
    sim.setDoor(6, true);
    const m = await master(sim.port);
    const snapshot = sim.snapshot();

    const words = (await m.readInputRegisters(0, 16)).data;
    const floats = wordsToBuffer((await m.readInputRegisters(100, 32)).data);
    for (let i = 0; i < 8; i++) {
      expect(int16(words[2 * i]!) / 10).toBe(pinned[i]);
      expect(words[2 * i + 1]).toBe(Math.round(snapshot.shelves[i]!.humidityPct * 10));
      expect(floats.readFloatBE(i * 8)).toBeCloseTo(pinned[i]!, 5);
      expect(floats.readFloatBE(i * 8 + 4)).toBeCloseTo(snapshot.shelves[i]!.humidityPct, 4);
    }
    const holding = (await m.readHoldingRegisters(0, 24)).data;
    expect(holding.slice(0, 8)).toEqual(Array(8).fill(40));
    expect(holding.slice(8, 10)).toEqual([0, 0]);
    expect(wordsToBuffer(holding.slice(10, 12)).readUInt32BE(0)).toBe(3);
    expect(holding.slice(12, 14)).toEqual([3, 0]); // CDAB: low word first
    expect(wordsToBuffer(holding.slice(20, 24)).readDoubleBE(0)).toBeGreaterThan(0);
    expect(wordsToBuffer(holding.slice(20, 24)).readDoubleBE(0)).toBeLessThan(60);
    expect((await m.readCoils(0, 8)).data.slice(0, 8)).toEqual([false, false, false, false, false, false, true, false]);
    expect((await m.readDiscreteInputs(0, 8)).data.slice(0, 8)).toEqual([true, true, false, true, true, true, true, false]);
    expect(snapshot.shelves.map((s) => s.name)).toEqual(['B10', 'B11', 'B12', 'B13', 'B14', 'B15', 'B16', 'B17']);
  });

  it('takes setpoint and door writes from a master', async () => {
    const sim = await simulator();
    const m = await master(sim.port);
    await m.writeRegister(2, 0x10000 - 25); // FC06: -2.5 °C
    await m.writeRegisters(4, [65, 70]); // FC16
    await m.writeCoil(3, true); // FC05
    await m.writeCoils(0, [true, false]); // FC15
    const shelves = sim.snapshot().shelves;
    expect(shelves.map((s) => s.setpointC)).toEqual([4, 4, -2.5, 4, 6.5, 7, 4, 4]);
    expect(shelves.map((s) => s.doorOpen)).toEqual([true, false, false, true, false, false, false, false]);
    expect((await m.readHoldingRegisters(2, 1)).data).toEqual([0x10000 - 25]);
  });

  it('answers exception 02 outside the map and 03 for bad quantities or values', async () => {
    const sim = await simulator();
    const m = await master(sim.port);
    await expect(m.readInputRegisters(300, 2)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(m.readInputRegisters(199, 2)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(m.readHoldingRegisters(0, 126)).rejects.toMatchObject({ modbusCode: 3 });
    await expect(m.readCoils(64, 1)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(m.writeRegisters(10, [1, 2])).rejects.toMatchObject({ modbusCode: 2 });
    await expect(m.writeRegisters(6, [40, 40, 40])).rejects.toMatchObject({ modbusCode: 2 });
    await expect(m.writeRegister(0, 500)).rejects.toMatchObject({ modbusCode: 3 });
    await expect(m.writeCoil(20, true)).rejects.toMatchObject({ modbusCode: 2 });
    expect(sim.snapshot().shelves.every((s) => s.setpointC === 4)).toBe(true); // all-or-nothing
    expect((await m.readInputRegisters(198, 2)).data).toEqual([0, 0]); // unmapped but inside the space
  });

  it('survives clients that vanish mid-request and malformed frames', async () => {
    const sim = await simulator();
    const readRequest = frame(1, 1, [0x04, 0x00, 0x00, 0x00, 0x10]);
    for (let i = 0; i < 20; i++) {
      const socket = await rawSocket(sim.port);
      socket.write(readRequest);
      if (i % 2 === 0) socket.resetAndDestroy();
      else socket.destroy();
    }
    const junk = await rawSocket(sim.port);
    const garbage = [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      frame(2, 1, []), // unit id only
      frame(3, 1, [0x03]), // function code only
      frame(4, 1, [0x03, 0x00]), // truncated read
      frame(5, 1, [0x03, 0x00, 0x00, 0x00, 0x00]), // zero quantity
      frame(6, 1, [0x03, 0x00, 0x00, 0x07, 0xd0]), // 2000 registers
      frame(7, 1, [0x01, 0x00, 0x00, 0xff, 0xff]), // 65535 coils
      frame(8, 1, [0x63, 0x01, 0x02]), // unknown function
      frame(9, 1, [0x10, 0x00, 0x00, 0x00, 0x02, 0x09, 0x00]), // FC16 with a wrong byte count
      frame(10, 1, [0x2b, 0x0e, 0x01, 0x00]), // read device identification (unsupported)
      frame(11, 1, [0x06, 0xff, 0xff, 0x12, 0x34]), // write far outside the map
      frame(12, 7, [0x03, 0x00, 0x00, 0x00, 0x01]), // another unit id
    ];
    for (const bytes of garbage) junk.write(bytes);
    await new Promise((r) => setTimeout(r, 100));
    junk.resetAndDestroy();

    const m = await master(sim.port);
    sim.setTemperature(0, 6.6);
    expect(int16((await m.readInputRegisters(0, 1)).data[0]!)).toBe(66);
  });

  it('answers only its own unit id, or every unit id with 255', async () => {
    const sim = await simulator({ unitId: 255 });
    const m = await master(sim.port, 42);
    expect((await m.readHoldingRegisters(0, 1)).data).toEqual([40]);
  });

  it('warms a shelf with an open door and lets it cool back once closed', async () => {
    const sim = await simulator();
    const m = await master(sim.port);
    const before = sim.snapshot().shelves[4]!.temperatureC;
    await m.writeCoil(4, true);
    for (let i = 0; i < 6; i++) sim.step();
    const warmed = sim.snapshot().shelves[4]!.temperatureC;
    expect(warmed - before).toBeGreaterThan(2.5);
    expect(warmed - before).toBeLessThan(3.5);
    expect(warmed).toBeLessThan(ambientC);
    expect(sim.snapshot().shelves[4]!.alarm).toBe(warmed > 8);
    sim.setDoor(4, false);
    for (let i = 0; i < 30; i++) sim.step();
    expect(Math.abs(sim.snapshot().shelves[4]!.temperatureC - 4)).toBeLessThan(0.6);
  });

  it('pins a temperature until unpinned', async () => {
    const sim = await simulator();
    sim.setTemperature(1, 9.25);
    for (let i = 0; i < 10; i++) sim.step();
    expect(sim.snapshot().shelves[1]).toMatchObject({ temperatureC: 9.25, pinned: true, alarm: true });
    sim.unpin(1);
    expect(sim.snapshot().shelves[1]!.pinned).toBe(false);
    expect(Math.abs(sim.snapshot().shelves[1]!.temperatureC - 4)).toBeLessThan(1);
    expect(() => sim.setTemperature(8, 1)).toThrow(/shelf index must be 0..7/);
  });

  it('steps by itself every stepMs and counts samples', async () => {
    const sim = await simulator({ stepMs: 20 });
    await expect.poll(() => sim.snapshot().step, { timeout: 2000 }).toBeGreaterThanOrEqual(3);
    expect(sim.snapshot().samples).toBe(sim.snapshot().step);
  });

  it('replays the mote data set when asked', async () => {
    const sim = await simulator({ scenario: 'replay', shelves: 4 });
    sim.step();
    const shelves = sim.snapshot().shelves;
    expect(shelves).toHaveLength(4);
    expect(shelves[0]!.humidityPct).toBeGreaterThan(30);
    expect(shelves[0]!.humidityPct).toBeLessThan(60);
  });

  it('refuses a port that is already taken with a clear error', async () => {
    const sim = await simulator();
    await expect(startShelfSimulator({ port: sim.port, stepMs: 0 })).rejects.toThrow(/cannot listen on 127.0.0.1:\d+: .*EADDRINUSE/);
  });

  it('closes idempotently', async () => {
    const sim = await simulator({ stepMs: 10 });
    await Promise.all([sim.close(), sim.close()]);
    await sim.close();
  });
});
