import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { loadSiteConfig } from '../../config/load-config.ts';
import type { ModbusConnectorConfig } from '../../config/site-schema.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../simulators/modbus/index.ts';
import type { ReadGroup, TagValue } from '../connector.ts';
import { ConnectorError } from '../errors.ts';
import { ModbusConnector } from './modbus-connector.ts';
import type { ModbusPort } from './modbus-port.ts';

const demoPlant = fileURLToPath(new URL('../../config/examples/demo-plant.yaml', import.meta.url));
const fastReconnect = { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.2 };

function demoConfig(port: number, overrides: Partial<ModbusConnectorConfig> = {}): ModbusConnectorConfig {
  const site = loadSiteConfig(demoPlant, { EDGESTOCK_MODBUS_PORT: String(port) });
  const modbus = site.connectors.find((c) => c.protocol === 'modbus');
  if (!modbus) throw new Error('demo-plant.yaml has no Modbus connector');
  return { ...modbus, reconnect: fastReconnect, ...overrides };
}

function configWithTags(port: number, tags: Array<Partial<ModbusConnectorConfig['tags'][number]> & { name: string; address: string }>, overrides: Partial<ModbusConnectorConfig> = {}): ModbusConnectorConfig {
  return demoConfig(port, { tags: tags.map((t) => ({ scale: 1, offset: 0, deadband: 0, ...t })), ...overrides });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(port?: number, opts: { stepMs?: number } = {}): Promise<ShelfSimulator> {
  const sim = await startShelfSimulator({ port: port ?? (await freePort()), stepMs: opts.stepMs ?? 0, seed: 7 });
  cleanups.push(() => sim.close());
  return sim;
}

function connector(config: ModbusConnectorConfig): ModbusConnector {
  const c = new ModbusConnector(config);
  cleanups.push(() => c.close());
  return c;
}

const allTags = (c: ModbusConnector): ReadGroup => ({ name: 'all', intervalMs: 1000, tags: c.groups().flatMap((g) => g.tags) });
const byTag = (values: TagValue[]) => Object.fromEntries(values.map((v) => [v.tag, v]));

describe('ModbusConnector against the shelf simulator', () => {
  it('reads every demo-plant tag and agrees with the simulator', async () => {
    const sim = await simulator();
    for (let i = 0; i < 70; i++) sim.step(); // into B12's compressor fault: one alarm is on
    sim.setDoor(5, true);
    const c = connector(demoConfig(sim.port));
    expect(c.validate()).toEqual([]);
    await c.connect();
    expect(c.linkState()).toBe('up');

    const before = Date.now();
    const values = byTag(await c.read(allTags(c)));
    const snapshot = sim.snapshot();
    expect(Object.keys(values)).toHaveLength(42);
    for (const v of Object.values(values)) {
      expect(v, v.tag).toMatchObject({ device: 'shelf-sensors', quality: 'good' });
      expect(v.error).toBeUndefined();
      expect(v.ts).toBeGreaterThanOrEqual(before);
    }
    for (const shelf of snapshot.shelves) {
      expect(values[`${shelf.name}/temperature`]!.value as number).toBeCloseTo(shelf.temperatureC, 1);
      expect(Math.abs((values[`${shelf.name}/temperature`]!.value as number) - shelf.temperatureC)).toBeLessThanOrEqual(0.05);
      expect(Math.abs((values[`${shelf.name}/humidity`]!.value as number) - shelf.humidityPct)).toBeLessThanOrEqual(0.05);
      expect(values[`${shelf.name}/setpoint`]!.value).toBe(shelf.setpointC);
      expect(values[`${shelf.name}/door-open`]!.value).toBe(shelf.doorOpen);
      expect(values[`${shelf.name}/alarm`]!.value).toBe(shelf.alarm);
    }
    expect(values['B10/temperature-f32']!.value as number).toBeCloseTo(snapshot.shelves[0]!.temperatureC, 4);
    expect(values['samples']!.value).toBe(70);
    expect(values['B12/alarm']!.value).toBe(true);
    expect(values['B15/door-open']!.value).toBe(true);
    expect(c.unitOf('B10/humidity')).toBe('%RH');
    expect(c.unitOf('samples')).toBeUndefined();
    // co x8, di x8, ir 0 x16, ir 100 x2, hr 0..11 (the 2-register gap is read and discarded)
    expect(c.stats()).toEqual({ requests: 5, failedRequests: 0, reconnects: 0 });
  });

  it('groups tags by poll interval', async () => {
    const c = connector(demoConfig(1));
    const groups = c.groups();
    expect(groups.map((g) => [g.name, g.intervalMs, g.tags.length])).toEqual([['1000ms', 1000, 34], ['5000ms', 5000, 8]]);
    expect(groups[1]!.tags).toContain('B17/setpoint');
  });

  it('reads a pinned temperature as pinned', async () => {
    const sim = await simulator();
    const c = connector(demoConfig(sim.port));
    await c.connect();
    const group = { name: 'B13', intervalMs: 1000, tags: ['B13/temperature', 'B13/alarm'] };
    sim.setTemperature(3, -2.5);
    expect(byTag(await c.read(group))['B13/temperature']!.value).toBe(-2.5);
    expect(byTag(await c.read(group))['B13/alarm']!.value).toBe(true);
    sim.setTemperature(3, 5.1);
    expect((await c.read(group)).map((v) => v.value)).toEqual([5.1, false]);
  });

  it('writes a holding register and a coil and reads them back', async () => {
    const sim = await simulator();
    const c = connector(demoConfig(sim.port));
    await c.connect();
    await c.write('B12/setpoint', 6.5);
    await c.write('B12/door-open', true);
    await c.write('B11/setpoint', -18.2);
    const values = byTag(await c.read({ name: 'rw', intervalMs: 1000, tags: ['B12/setpoint', 'B12/door-open', 'B11/setpoint'] }));
    expect(values['B12/setpoint']!.value).toBe(6.5);
    expect(values['B12/door-open']!.value).toBe(true);
    expect(values['B11/setpoint']!.value).toBe(-18.2);
    expect(sim.snapshot().shelves[2]).toMatchObject({ setpointC: 6.5, doorOpen: true });
    await c.write('B12/door-open', 0);
    expect(sim.snapshot().shelves[2]!.doorOpen).toBe(false);
  });

  it('rejects writes to input registers and discrete inputs with READ_ONLY', async () => {
    const sim = await simulator();
    const c = connector(demoConfig(sim.port));
    await c.connect();
    await expect(c.write('B10/temperature', 5)).rejects.toMatchObject({ code: 'READ_ONLY', message: expect.stringContaining('input register') });
    await expect(c.write('B10/alarm', true)).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(c.write('B99/setpoint', 5)).rejects.toMatchObject({ code: 'UNKNOWN_TAG' });
    await expect(c.write('B10/setpoint', 4000)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    await expect(c.write('B10/door-open', 2)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    expect(c.stats().requests).toBe(0); // refused before anything went on the wire
  });

  it('turns a device exception into quality bad for that request only', async () => {
    const sim = await simulator();
    const c = connector(configWithTags(sim.port, [
      { name: 'beyond-map', address: 'ir:500' },
      { name: 'B10/temperature', address: 'ir:0', scale: 0.1 },
      { name: 'counter', address: 'hr:10:uint32' },
    ]));
    await c.connect();
    sim.setTemperature(0, 3.3);
    const values = byTag(await c.read({ name: 'g', intervalMs: 1000, tags: ['beyond-map', 'B10/temperature'] }));
    expect(values['beyond-map']).toMatchObject({ quality: 'bad', value: null, error: 'DEVICE_EXCEPTION' });
    expect(values['B10/temperature']).toMatchObject({ quality: 'good', value: 3.3 });
    expect(c.linkState()).toBe('up');
    await expect(c.write('counter', 1)).rejects.toMatchObject({ code: 'DEVICE_EXCEPTION' });
    expect(c.stats()).toMatchObject({ requests: 3, failedRequests: 2 });
  });

  it('reports unknown tags and bad addresses as bad values instead of throwing', async () => {
    const sim = await simulator();
    const c = connector(configWithTags(sim.port, [{ name: 'ok', address: 'hr:0' }, { name: 'broken', address: 'hr:x' }]));
    await c.connect();
    const values = byTag(await c.read({ name: 'g', intervalMs: 1000, tags: ['ok', 'broken', 'ghost'] }));
    expect(values).toMatchObject({
      ok: { quality: 'good', value: 40 },
      broken: { quality: 'bad', error: 'BAD_ADDRESS' },
      ghost: { quality: 'bad', error: 'UNKNOWN_TAG' },
    });
  });

  it('reads bad values while the simulator is away and recovers by itself when it returns', async () => {
    let sim = await simulator();
    const port = sim.port;
    const c = connector(demoConfig(port));
    await c.connect();
    const group = c.groups()[0]!;
    expect((await c.read(group)).every((v) => v.quality === 'good')).toBe(true);

    await sim.close();
    await vi.waitFor(() => expect(c.linkState()).toBe('down'), { timeout: 2000, interval: 10 });
    const whileAway = await c.read(group);
    expect(whileAway).toHaveLength(group.tags.length);
    for (const v of whileAway) {
      expect(v.quality).toBe('bad');
      expect(v.value).toBeNull();
      expect(['LINK_DOWN', 'TIMEOUT']).toContain(v.error);
    }
    await expect(c.write('B10/setpoint', 5)).rejects.toMatchObject({ code: 'LINK_DOWN' });

    sim = await simulator(port);
    sim.setTemperature(0, 7.7);
    await vi.waitFor(() => expect(c.linkState()).toBe('up'), { timeout: 5000, interval: 20 });
    const back = byTag(await c.read(group));
    expect(Object.values(back).every((v) => v.quality === 'good')).toBe(true);
    expect(back['B10/temperature']!.value).toBe(7.7);
    expect(c.stats().reconnects).toBe(1);
  });

  it('resolves connect() once the device appears instead of rejecting while it is away', async () => {
    const port = await freePort();
    const c = connector(demoConfig(port));
    let connected = false;
    const connecting = c.connect().then(() => { connected = true; });
    await new Promise((r) => setTimeout(r, 300));
    expect(connected).toBe(false);
    expect(c.linkState()).toBe('connecting');
    await simulator(port);
    await connecting;
    expect(c.linkState()).toBe('up');
    expect(c.stats().reconnects).toBe(0);
  });

  it('rejects connect() only when its signal aborts', async () => {
    const c = connector(demoConfig(await freePort()));
    const abort = new AbortController();
    const connecting = c.connect({ signal: abort.signal });
    setTimeout(() => abort.abort(new Error('shutting down')), 100);
    await expect(connecting).rejects.toThrow('shutting down');
    await vi.waitFor(() => expect(c.linkState()).toBe('down'));
  });

  it('marks the link down after a timeout and reconnects', async () => {
    const sim = await simulator();
    const c = connector(demoConfig(sim.port, { timeoutMs: 100 }));
    await c.connect();
    const group = { name: 'g', intervalMs: 1000, tags: ['B10/temperature', 'B10/temperature-f32'] };
    // The simulator answers; a unit id it ignores looks exactly like a device that went silent.
    const silent = connector(demoConfig(sim.port, { timeoutMs: 100, unitId: 9 }));
    await silent.connect();
    const values = await silent.read(group);
    expect(values.map((v) => v.error)).toEqual(['TIMEOUT', 'LINK_DOWN']); // the second request is not even sent
    expect(silent.stats()).toMatchObject({ requests: 1, failedRequests: 1 });
    await vi.waitFor(() => expect(silent.stats().reconnects).toBeGreaterThanOrEqual(1), { timeout: 3000, interval: 20 });
    expect((await c.read(group)).every((v) => v.quality === 'good')).toBe(true);
  });

  it('lists every bad address and duplicate name in validate()', () => {
    const c = connector(configWithTags(1, [
      { name: 'a', address: 'hr:0' },
      { name: 'b', address: '4x0001' },
      { name: 'c', address: 'hr:70000' },
      { name: 'd', address: 'co:0:float32' },
      { name: 'a', address: 'ir:1' },
      { name: 'e', address: 'hr:65535:float32' },
      { name: 'f', address: 'ir:0:float64' },
    ], { maxRegistersPerRead: 2 }));
    expect(c.validate()).toEqual([
      { path: 'tags[1].address', message: expect.stringContaining('"4x0001" is not a Modbus address; expected "<area>:<offset>[:<type>[:<order>]]"') },
      { path: 'tags[2].address', message: 'offset 70000 is out of range 0..65535' },
      { path: 'tags[3].address', message: '"co" holds bits; type must be bool' },
      { path: 'tags[4].name', message: 'tag name "a" is already used by tags[0]; names must be unique within a connector' },
      { path: 'tags[5].address', message: 'type "float32" needs 2 registers from 65535 but the register space ends at 65535' },
      { path: 'tags[6].address', message: '"ir:0:float64" needs 4 registers but maxRegistersPerRead is 2; raise maxRegistersPerRead' },
    ]);
  });

  it('reads nothing and writes nothing after close()', async () => {
    const sim = await simulator();
    const c = connector(demoConfig(sim.port));
    await c.connect();
    await c.close();
    expect(c.linkState()).toBe('closed');
    expect((await c.read(c.groups()[0]!)).every((v) => v.error === 'LINK_DOWN')).toBe(true);
    await expect(c.write('B10/setpoint', 5)).rejects.toMatchObject({ code: 'LINK_DOWN' });
    await expect(c.connect()).rejects.toBeInstanceOf(ConnectorError);
  });
});

describe('ModbusConnector over RTU', () => {
  const rtu = { transport: 'rtu', path: '/dev/ttyEDGESTOCK0', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 } as const;

  it('fails connect() with TRANSPORT_UNAVAILABLE when the serial driver cannot load', async () => {
    const unavailable = new ConnectorError('TRANSPORT_UNAVAILABLE', 'Modbus RTU on /dev/ttyEDGESTOCK0 needs the optional "serialport" package');
    const port: ModbusPort = {
      connectTCP: () => Promise.reject(new Error('not used')),
      connectRTU: () => Promise.reject(unavailable),
      setID() {}, setTimeout() {},
      readCoils: () => Promise.reject(new Error('not used')), readDiscreteInputs: () => Promise.reject(new Error('not used')),
      readInputRegisters: () => Promise.reject(new Error('not used')), readHoldingRegisters: () => Promise.reject(new Error('not used')),
      writeCoil: () => Promise.reject(new Error('not used')), writeRegisters: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(), isOpen: false, onLinkLost() {},
    };
    const c = new ModbusConnector(demoConfig(1, { connection: rtu }), { portFactory: () => port });
    cleanups.push(() => c.close());
    await expect(c.connect()).rejects.toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', message: expect.stringContaining('serialport') });
    expect(c.linkState()).toBe('down');
    expect((await c.read(c.groups()[0]!))[0]).toMatchObject({ quality: 'bad', error: 'LINK_DOWN' });
  });

  it('keeps retrying a serial device that is not there, without crashing', async () => {
    const c = connector(demoConfig(1, { connection: rtu }));
    const abort = new AbortController();
    const connecting = c.connect({ signal: abort.signal });
    await new Promise((r) => setTimeout(r, 200));
    expect(c.linkState()).toBe('connecting');
    abort.abort(new Error('gave up'));
    await expect(connecting).rejects.toThrow('gave up');
  });
});
