import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { s7ConnectorSchema, type S7ConnectorConfig } from '../../config/s7-schema.ts';
import { startS7Simulator, type S7Simulator } from '../../simulators/s7/index.ts';
import type { ReadGroup, TagValue } from '../connector.ts';
import { ConnectorError } from '../errors.ts';
import { S7Connector } from './s7-connector.ts';
import { importTiaDbSource } from './tia-db-import.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(port?: number): Promise<S7Simulator> {
  const sim = await startS7Simulator({ port: port ?? (await freePort()), stepMs: 0 });
  cleanups.push(() => sim.close());
  return sim;
}

/** The demo plant's tags, written by hand from simulators/s7/DB-MAP.md (machine 2 starts at byte 44). */
const plantTags = [
  { name: 'IMM-01/shots', address: 'DB1,DINT0' },
  { name: 'IMM-01/mold', address: 'DB1,S4.16' },
  { name: 'IMM-01/cycle-time', address: 'DB1,REAL22', unit: 's' },
  { name: 'IMM-01/state', address: 'DB1,INT26' },
  { name: 'IMM-01/running', address: 'DB1,X28.0' },
  { name: 'IMM-01/alarm', address: 'DB1,X28.1' },
  { name: 'IMM-01/door-closed', address: 'DB1,X28.2' },
  { name: 'IMM-01/zone-temp', address: 'DB1,INT30.3', unit: '°C' },
  { name: 'IMM-01/hold-pressure', address: 'DB1,REAL36', unit: 'bar' },
  { name: 'IMM-01/speed', address: 'DB1,INT40' },
  { name: 'IMM-01/auto', address: 'DB1,X42.0' },
  { name: 'IMM-02/shots', address: 'DB1,DI44' },
  { name: 'IMM-02/mold', address: 'DB1,STRING48.16' },
  { name: 'IMM-02/status-bits', address: 'DB1,X72.0.3' },
  { name: 'furnace/remnant', address: 'DB2,REAL0', unit: 'kg', intervalMs: 5000 },
  { name: 'furnace/ladle', address: 'DB2,C9' },
  { name: 'furnace/heat', address: 'DB2,DINT10' },
];

function config(port: number, tags: Array<{ name: string; address: string; [k: string]: unknown }> = plantTags, timeoutMs = 500): S7ConnectorConfig {
  return s7ConnectorSchema.parse({
    name: 'press-hall-plc',
    protocol: 's7',
    connection: { host: '127.0.0.1', port },
    timeoutMs,
    pollIntervalMs: 1000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.2 },
    tags,
  });
}

function connector(cfg: S7ConnectorConfig): S7Connector {
  const c = new S7Connector(cfg);
  cleanups.push(() => c.close());
  return c;
}

const allTags = (c: S7Connector): ReadGroup => ({ name: 'all', intervalMs: 1000, tags: c.groups().flatMap((g) => g.tags) });
const byTag = (values: TagValue[]) => Object.fromEntries(values.map((v) => [v.tag, v]));
const valueOf = (values: Record<string, TagValue>, tag: string) => values[tag]!.value;

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('S7Connector against the snap7 plant simulator', () => {
  it('reads DINT, STRING, REAL, INT, bits, arrays and CHAR as the simulator holds them', async () => {
    const sim = await simulator();
    sim.step();
    sim.step();
    const c = connector(config(sim.port));
    expect(c.validate()).toEqual([]);
    await c.connect();
    expect(c.linkState()).toBe('up');

    const values = byTag(await c.read(allTags(c)));
    const { machines: [m1, m2], furnace } = sim.snapshot();
    for (const v of Object.values(values)) expect(v, v.tag).toMatchObject({ device: 'press-hall-plc', quality: 'good' });
    expect(valueOf(values, 'IMM-01/shots')).toBe(8402);
    expect(valueOf(values, 'IMM-01/shots')).toBe(m1!.shotCounter);
    expect(valueOf(values, 'IMM-01/mold')).toBe('M-2231-A');
    expect(valueOf(values, 'IMM-01/cycle-time') as number).toBeCloseTo(m1!.cycleTimeS, 5);
    expect(valueOf(values, 'IMM-01/state')).toBe(2);
    expect(valueOf(values, 'IMM-01/running')).toBe(true);
    expect(valueOf(values, 'IMM-01/alarm')).toBe(false);
    expect(valueOf(values, 'IMM-01/door-closed')).toBe(true);
    expect([0, 1, 2].map((i) => valueOf(values, `IMM-01/zone-temp[${i}]`))).toEqual(m1!.zoneTempC);
    expect(valueOf(values, 'IMM-01/hold-pressure')).toBe(650);
    expect(valueOf(values, 'IMM-01/speed')).toBe(70);
    expect(valueOf(values, 'IMM-01/auto')).toBe(true);
    expect(valueOf(values, 'IMM-02/shots')).toBe(m2!.shotCounter);
    expect(valueOf(values, 'IMM-02/mold')).toBe('M-4410-C');
    expect([0, 1, 2].map((i) => valueOf(values, `IMM-02/status-bits[${i}]`))).toEqual([m2!.running, m2!.alarm, m2!.doorClosed]);
    expect(valueOf(values, 'furnace/remnant')).toBe(furnace.remnantWeightKg);
    expect(valueOf(values, 'furnace/ladle')).toBe('A');
    expect(valueOf(values, 'furnace/heat')).toBe(5120);
    expect(c.unitOf('furnace/remnant')).toBe('kg');
    expect(c.groups().map((g) => g.name)).toEqual(['1000ms', '5000ms']);
    expect(c.stats()).toEqual({ requests: 1, failedRequests: 0, reconnects: 0 });
  });

  it('follows the scenario and the simulator API between reads', async () => {
    const sim = await simulator();
    const c = connector(config(sim.port));
    await c.connect();
    const group: ReadGroup = { name: 'g', intervalMs: 1000, tags: ['IMM-01/shots', 'IMM-02/shots', 'furnace/remnant'] };
    const before = byTag(await c.read(group));
    sim.step();
    sim.setShotCount(1, 8999);
    sim.setRemnantWeight(15.5);
    const after = byTag(await c.read(group));
    expect(valueOf(after, 'IMM-01/shots')).toBe((valueOf(before, 'IMM-01/shots') as number) + 1);
    expect(valueOf(after, 'IMM-02/shots')).toBe(8999);
    expect(valueOf(after, 'furnace/remnant')).toBe(15.5);
  });

  it('writes numbers and bits and reads them back', async () => {
    const sim = await simulator();
    const c = connector(config(sim.port, [
      ...plantTags,
      { name: 'IMM-01/hold-pressure-kbar', address: 'DB1,REAL36', scale: 0.001 },
    ]));
    await c.connect();
    await c.write('IMM-01/hold-pressure', 712.25);
    await c.write('IMM-01/speed', 85);
    await c.write('IMM-01/auto', false);
    await c.write('IMM-01/alarm', 1);
    await Promise.all([c.write('IMM-02/shots', 1), c.write('IMM-02/shots', 2), c.write('IMM-02/shots', 3)]);
    const m1 = sim.snapshot().machines[0]!;
    expect(m1).toMatchObject({ holdPressureBar: 712.25, injectionSpeedPct: 85, autoMode: false, alarm: true, running: true, doorClosed: true });
    expect(sim.snapshot().machines[1]!.shotCounter).toBe(3);
    const values = byTag(await c.read(allTags(c)));
    expect(valueOf(values, 'IMM-01/hold-pressure')).toBe(712.25);
    expect(valueOf(values, 'IMM-01/hold-pressure-kbar') as number).toBeCloseTo(0.71225, 8);
    expect(valueOf(values, 'IMM-01/auto')).toBe(false);
    expect(valueOf(values, 'IMM-01/alarm')).toBe(true);
  });

  it('rejects writes that do not fit, to text tags and to unknown tags, without touching the PLC', async () => {
    const sim = await simulator();
    const c = connector(config(sim.port));
    await c.connect();
    await expect(c.write('IMM-01/speed', 40000)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    await expect(c.write('IMM-01/auto', 2)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    await expect(c.write('IMM-01/mold', 1)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
    await expect(c.write('nope', 1)).rejects.toBeInstanceOf(ConnectorError);
    expect(c.stats().requests).toBe(0);
    expect(sim.snapshot().machines[0]!.injectionSpeedPct).toBe(70);
  });

  it('reports a missing DB as a bad value with DEVICE_EXCEPTION and keeps the rest good', async () => {
    const sim = await simulator();
    const c = connector(config(sim.port, [
      { name: 'shots', address: 'DB1,DINT0' },
      { name: 'ghost', address: 'DB9,INT0' },
    ]));
    await c.connect();
    const values = byTag(await c.read(allTags(c)));
    expect(values['shots']).toMatchObject({ quality: 'good', value: 8400 });
    expect(values['ghost']).toMatchObject({ quality: 'bad', value: null, error: 'DEVICE_EXCEPTION' });
    await expect(c.write('ghost', 1)).rejects.toMatchObject({ code: 'DEVICE_EXCEPTION' });
    expect(c.linkState()).toBe('up');
  });

  it('reads quality bad while the PLC is away and recovers by itself when it is back', async () => {
    const port = await freePort();
    let sim = await startS7Simulator({ port });
    const c = connector(config(port));
    await c.connect();
    const group: ReadGroup = { name: 'g', intervalMs: 1000, tags: ['IMM-01/shots', 'furnace/remnant'] };
    expect((await c.read(group)).every((v) => v.quality === 'good')).toBe(true);

    await sim.close();
    await until('quality bad', async () => (await c.read(group)).every((v) => v.quality === 'bad'));
    const down = await c.read(group);
    expect(down.map((v) => [v.value, v.error])).toEqual([[null, 'LINK_DOWN'], [null, 'LINK_DOWN']]);
    expect(c.linkState()).not.toBe('up');
    await expect(c.write('IMM-01/speed', 50)).rejects.toMatchObject({ code: 'LINK_DOWN' });

    sim = await startS7Simulator({ port });
    cleanups.push(() => sim.close());
    sim.setShotCount(0, 42);
    await until('link up', () => c.linkState() === 'up');
    const back = byTag(await c.read(group));
    expect(back['IMM-01/shots']).toMatchObject({ quality: 'good', value: 42 });
    expect(c.stats().reconnects).toBe(1);
  });

  it('keeps retrying connect while no PLC listens and connects once one does', async () => {
    const port = await freePort();
    const c = connector(config(port));
    const connecting = c.connect();
    await new Promise((r) => setTimeout(r, 150));
    expect(c.linkState()).toBe('connecting');
    const values = await c.read({ name: 'g', intervalMs: 1000, tags: ['IMM-01/shots'] });
    expect(values[0]).toMatchObject({ quality: 'bad', error: 'LINK_DOWN' });
    await simulator(port);
    await connecting;
    expect(c.linkState()).toBe('up');
  });

  it('validate() lists every bad address and duplicate name at once, with config paths', () => {
    const c = connector(config(1, [
      { name: 'a', address: 'DB1,X' },
      { name: 'b', address: 'DB1,REAL4' },
      { name: 'c', address: 'DB1,X2.9' },
      { name: 'd', address: 'DB3,S10' },
      { name: 'e', address: 'M10.0' },
      { name: 'b', address: 'DB1,INT0' },
      { name: 'f', address: 'DB1,LINT0' },
    ]));
    const problems = c.validate();
    expect(problems.map((p) => p.path)).toEqual(['tags[0].address', 'tags[2].address', 'tags[3].address', 'tags[4].address', 'tags[5].name', 'tags[6].address']);
    expect(problems[0]!.message).toContain('Cannot parse tag address "DB1,X"');
    expect(problems[0]!.message).toContain('expected DB<n>,<type><offset> such as "DB1,REAL4", "DB1,X2.1", "DB3,S10.20"');
    expect(problems[1]!.message).toContain('bit 9');
    expect(problems[2]!.message).toContain('DB<n>,S<byte>.<max length>');
    expect(problems[5]!.message).toContain('LINT');
  });

  it('reads a tag with a bad address as quality bad without asking the PLC', async () => {
    const sim = await simulator();
    const c = connector(config(sim.port, [{ name: 'ok', address: 'DB1,DINT0' }, { name: 'broken', address: 'DB1,FOO4' }]));
    await c.connect();
    const values = byTag(await c.read({ name: 'g', intervalMs: 1000, tags: ['ok', 'broken', 'unknown'] }));
    expect(values['ok']!.quality).toBe('good');
    expect(values['broken']).toMatchObject({ quality: 'bad', error: 'BAD_ADDRESS' });
    expect(values['unknown']).toMatchObject({ quality: 'bad', error: 'UNKNOWN_TAG' });
  });

  it('reads every tag imported from the simulator\'s own DB sources and agrees with its snapshot', async () => {
    const sim = await simulator();
    sim.step();
    const tags = [['IMM_Data.db', 1], ['Furnace_Data.db', 2]].flatMap(([file, dbNumber]) => {
      const text = readFileSync(new URL(`../../simulators/s7/db-sources/${file}`, import.meta.url), 'utf8');
      const result = importTiaDbSource(text, { dbNumber: dbNumber as number });
      if (!result.ok) throw new Error(result.error);
      return result.tags.map((t) => ({ name: t.name, address: t.address }));
    });
    const c = connector(config(sim.port, tags));
    expect(c.validate()).toEqual([]);
    await c.connect();
    const values = byTag(await c.read(allTags(c)));
    expect(Object.values(values).filter((v) => v.quality !== 'good')).toEqual([]);
    const { machines, furnace } = sim.snapshot();
    machines.forEach((m, i) => {
      const at = (field: string) => valueOf(values, `Machine[${i + 1}].${field}`);
      expect(at('ShotCounter')).toBe(m.shotCounter);
      expect(at('MoldId')).toBe(m.moldId);
      expect(at('CycleTimeS') as number).toBeCloseTo(m.cycleTimeS, 5);
      expect(at('State')).toBe(m.state);
      expect([at('Running'), at('Alarm'), at('DoorClosed')]).toEqual([m.running, m.alarm, m.doorClosed]);
      expect([1, 2, 3].map((z) => at(`ZoneTempC[${z}]`))).toEqual(m.zoneTempC);
      expect(at('Setpoints.HoldPressureBar') as number).toBeCloseTo(m.holdPressureBar, 3);
      expect(at('Setpoints.InjectionSpeedPct')).toBe(m.injectionSpeedPct);
      expect(at('Setpoints.AutoMode')).toBe(m.autoMode);
    });
    expect(valueOf(values, 'RemnantWeightKg')).toBe(furnace.remnantWeightKg);
    expect(valueOf(values, 'MeltTempC')).toBe(furnace.meltTempC);
    expect(valueOf(values, 'Pouring')).toBe(furnace.pouring);
    expect(valueOf(values, 'LadleId')).toBe(furnace.ladleId);
    expect(valueOf(values, 'HeatNumber')).toBe(furnace.heatNumber);
  });
});
