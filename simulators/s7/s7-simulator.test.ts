import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { startS7Simulator, type S7Simulator } from './s7-simulator.ts';

const sims: S7Simulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});

async function start(port?: number, stepMs = 0): Promise<S7Simulator> {
  const sim = await startS7Simulator({ port: port ?? (await freePort()), stepMs });
  sims.push(sim);
  return sim;
}

describe('S7 plant simulator', () => {
  it('adds one shot per step to running machines only and moves the furnace remnant', async () => {
    const sim = await start();
    const before = sim.snapshot();
    sim.step();
    const after = sim.snapshot();
    expect(after.step).toBe(1);
    expect(after.machines[0]!.shotCounter).toBe(before.machines[0]!.shotCounter + 1);
    expect(after.machines[1]!.shotCounter).toBe(before.machines[1]!.shotCounter);
    expect(after.furnace.remnantWeightKg).toBe(before.furnace.remnantWeightKg + 0.75);
    expect(after.machines[0]!.moldId).toBe('M-2231-A');
  });

  it('re-melts the remnant once it passes 18 kg and starts the next heat', async () => {
    const sim = await start();
    sim.setRemnantWeight(17.5);
    sim.step();
    expect(sim.snapshot().furnace).toMatchObject({ remnantWeightKg: 2, heatNumber: 5121 });
  });

  it('steps by itself every stepMs', async () => {
    const sim = await start(undefined, 20);
    await new Promise((r) => setTimeout(r, 120));
    expect(sim.snapshot().step).toBeGreaterThanOrEqual(2);
  });

  it('sets shot counts and rejects a machine that does not exist', async () => {
    const sim = await start();
    sim.setShotCount(1, 8500);
    expect(sim.snapshot().machines[1]!.shotCounter).toBe(8500);
    expect(() => sim.setShotCount(2, 1)).toThrow('machine index 2 is out of range 0..1');
  });

  it('says which port it cannot listen on, and can start again afterwards', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startS7Simulator({ port })).rejects.toThrow(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const sim = await start(port);
    expect(sim.snapshot().machines).toHaveLength(2);
  });

  it('refuses a second simulator in the same process (node-snap7 has one server per process)', async () => {
    await start();
    await expect(startS7Simulator({ port: await freePort() })).rejects.toThrow('one S7Server per process');
  });

  it('starts afresh on the same port after close, with the initial plant state', async () => {
    const first = await start();
    first.setShotCount(0, 1);
    await first.close();
    sims.splice(0);
    const second = await start(first.port);
    expect(second.snapshot().machines[0]!.shotCounter).toBe(8400);
  });
});
