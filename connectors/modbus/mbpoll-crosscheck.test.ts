/**
 * Cross-check against an independent Modbus master: the Debian `mbpoll` CLI (libmodbus).
 * The simulator and the connector were written by us; mbpoll was not. If all three agree on
 * the register map, the byte orders and the scaling, neither side is agreeing only with itself.
 *
 * mbpoll numbers registers from 1 (-r 1 is register 0), prints int16 registers as unsigned
 * with the signed value in brackets, and reads 32-bit values low word first unless -B.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { loadSiteConfig } from '../../config/load-config.ts';
import type { ModbusConnectorConfig } from '../../config/site-schema.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../simulators/modbus/index.ts';
import { ModbusConnector } from './modbus-connector.ts';

const run = promisify(execFile);
const demoPlant = fileURLToPath(new URL('../../config/examples/demo-plant.yaml', import.meta.url));

/** Runs the mbpoll CLI; a missing binary fails the test with how to install it (never a skip). */
async function runMbpoll(args: string[]): Promise<string> {
  try {
    return (await run('mbpoll', args, { timeout: 10_000 })).stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('mbpoll is not installed; install it with `apt-get install -y mbpoll` (the independent Modbus master this test checks against)');
    }
    throw err;
  }
}

let sim: ShelfSimulator;
let connector: ModbusConnector;
const pinnedC = [-3.7, 0, 2.5, 4.1, 7.9, 8.6, 12.3, -18.4];

/** Runs mbpoll once against the simulator and returns { reference: text } from its "[n]: value" lines. */
async function mbpoll(args: string[]): Promise<Map<number, string>> {
  const stdout = await runMbpoll(['-m', 'tcp', '-a', '1', '-1', '-o', '2', '-p', String(sim.port), ...args, '127.0.0.1']);
  const values = new Map<number, string>();
  for (const match of stdout.matchAll(/^\[(\d+)\]:\s+(\S+)(?:\s+\((-?\d+)\))?/gm)) {
    values.set(Number(match[1]), match[3] ?? match[2]!);
  }
  return values;
}

const numbers = (values: Map<number, string>) => [...values.values()].map(Number);

function crossCheckConfig(port: number): ModbusConnectorConfig {
  const site = loadSiteConfig(demoPlant, { EDGESTOCK_MODBUS_PORT: String(port) });
  const demo = site.connectors.find((c) => c.protocol === 'modbus')!;
  const tag = (name: string, address: string) => ({ name, address, scale: 1, offset: 0, deadband: 0 });
  const extra = Array.from({ length: 8 }, (_, i) => [
    tag(`B${10 + i}/temperature-float`, `ir:${100 + 4 * i}:float32`),
    tag(`B${10 + i}/humidity-float`, `ir:${102 + 4 * i}:float32:ABCD`),
  ]).flat();
  return {
    ...demo,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.2 },
    tags: [...demo.tags, ...extra, tag('samples-cdab', 'hr:12:uint32:CDAB'), tag('uptime', 'hr:20:float64')],
  };
}

async function readAll(): Promise<Record<string, number | boolean>> {
  const values = await connector.read({ name: 'all', intervalMs: 1000, tags: connector.groups().flatMap((g) => g.tags) });
  for (const v of values) expect(v.quality, `${v.tag}: ${v.error}`).toBe('good');
  return Object.fromEntries(values.map((v) => [v.tag, v.value as number | boolean]));
}

describe('mbpoll, the simulator and the connector agree', () => {
  beforeAll(async () => {
    sim = await startShelfSimulator({ port: await freePort(), stepMs: 0, seed: 11 });
    for (let i = 0; i < 25; i++) sim.step();
    pinnedC.forEach((c, i) => sim.setTemperature(i, c));
    sim.setDoor(1, true);
    connector = new ModbusConnector(crossCheckConfig(sim.port));
    await connector.connect();
  });

  afterAll(async () => {
    await connector?.close();
    await sim?.close();
  });

  it('on input registers read as int16 and as big-endian float32', async () => {
    const words = numbers(await mbpoll(['-t', '3', '-r', '1', '-c', '16']));
    const floats = numbers(await mbpoll(['-t', '3:float', '-B', '-r', '101', '-c', '16']));
    const ours = await readAll();
    const snapshot = sim.snapshot();
    expect(words).toHaveLength(16);
    expect(floats).toHaveLength(16);
    for (let i = 0; i < 8; i++) {
      const name = `B${10 + i}`;
      const [mbTemperature, mbHumidity] = [words[2 * i]! / 10, words[2 * i + 1]! / 10];
      const [mbTemperatureFloat, mbHumidityFloat] = [floats[2 * i]!, floats[2 * i + 1]!];
      expect(mbTemperature, name).toBeCloseTo(pinnedC[i]!, 6);
      expect(ours[`${name}/temperature`], name).toBeCloseTo(mbTemperature, 6);
      expect(ours[`${name}/humidity`], name).toBeCloseTo(mbHumidity, 6);
      // mbpoll prints floats with 6 significant digits.
      expect(Math.abs((ours[`${name}/temperature-float`] as number) - mbTemperatureFloat), name).toBeLessThan(1e-3);
      expect(Math.abs((ours[`${name}/humidity-float`] as number) - mbHumidityFloat), name).toBeLessThan(1e-3);
      // The int16 x 0.1 and float32 copies of one reading agree within the int16 resolution.
      expect(Math.abs((ours[`${name}/temperature`] as number) - mbTemperatureFloat), name).toBeLessThanOrEqual(0.05);
      expect(Math.abs((ours[`${name}/temperature-float`] as number) - mbTemperature), name).toBeLessThanOrEqual(0.05);
      expect(Math.abs((ours[`${name}/humidity`] as number) - snapshot.shelves[i]!.humidityPct), name).toBeLessThanOrEqual(0.05);
    }
  });

  it('on holding registers, 32/64-bit counters, coils and discrete inputs', async () => {
    const setpoints = numbers(await mbpoll(['-t', '4', '-r', '1', '-c', '8']));
    const [samplesBigEndian] = numbers(await mbpoll(['-t', '4:int', '-B', '-r', '11', '-c', '1']));
    const [samplesWordSwapped] = numbers(await mbpoll(['-t', '4:int', '-r', '13', '-c', '1']));
    const uptimeWords = [...(await mbpoll(['-t', '4:hex', '-r', '21', '-c', '4'])).values()].map((h) => Number.parseInt(h, 16));
    const doors = numbers(await mbpoll(['-t', '0', '-r', '1', '-c', '8']));
    const alarms = numbers(await mbpoll(['-t', '1', '-r', '1', '-c', '8']));
    const ours = await readAll();

    const uptimeBytes = Buffer.alloc(8);
    uptimeWords.forEach((w, i) => uptimeBytes.writeUInt16BE(w, 2 * i));
    expect(Math.abs((ours['uptime'] as number) - uptimeBytes.readDoubleBE(0))).toBeLessThan(5);
    expect(ours['uptime'] as number).toBeGreaterThan(0);

    expect(samplesBigEndian).toBe(25);
    expect(samplesWordSwapped).toBe(25);
    expect(ours['samples']).toBe(25);
    expect(ours['samples-cdab']).toBe(25);
    for (let i = 0; i < 8; i++) {
      const name = `B${10 + i}`;
      expect(ours[`${name}/setpoint`], name).toBeCloseTo(setpoints[i]! / 10, 6);
      expect(ours[`${name}/door-open`], name).toBe(doors[i] === 1);
      expect(ours[`${name}/alarm`], name).toBe(alarms[i] === 1);
      expect(alarms[i], name).toBe(pinnedC[i]! < 2 || pinnedC[i]! > 8 ? 1 : 0);
    }
    expect(doors[1]).toBe(1);
  });

  it('on writes made by either master', async () => {
    // mbpoll writes raw uint16 words: -2.5 °C is -25 tenths, 65511 as two's complement.
    await runMbpoll(['-m', 'tcp', '-a', '1', '-p', String(sim.port), '-t', '4', '-r', '3', '127.0.0.1', '65511']);
    expect((await readAll())['B12/setpoint']).toBe(-2.5);
    await connector.write('B13/door-open', true);
    await connector.write('B14/setpoint', 6.8);
    expect(numbers(await mbpoll(['-t', '0', '-r', '4', '-c', '1']))).toEqual([1]);
    expect(numbers(await mbpoll(['-t', '4', '-r', '5', '-c', '1']))).toEqual([68]);
  });
});
