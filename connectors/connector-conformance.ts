/**
 * The behaviour every connector must show against its simulator (STYLE.md rule 4: one suite
 * for a seam with several implementations). Each protocol's `*-conformance.test.ts` supplies a
 * harness; a new connector passes this suite before the gateway may use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ReadGroup, TagScalar, TagValue } from './connector.ts';

export interface ConnectorHarness {
  /** Starts the simulated device; after stopDevice() it starts again on the same address. */
  startDevice(): Promise<void>;
  stopDevice(): Promise<void>;
  /** A connector for the running device whose tags cover every supported data type, with short reconnect delays. */
  createConnector(): Connector;
  /** What each tag should read now, from the simulator's own state (its snapshot). */
  expectedValues(): Record<string, TagScalar>;
  /** Writable tags, each with a value to write that differs from what the device holds now. */
  writes: ReadonlyArray<{ tag: string; value: number | boolean }>;
  /** A connector whose config has bad addresses, and the path of every problem validate() must list. */
  badAddresses: { connector: Connector; problemPaths: string[] };
  /** Extra time a reconnect may take for this protocol (session set-up), ms. */
  recoveryTimeoutMs?: number;
}

const closeTo = (actual: TagScalar, expected: TagScalar) =>
  typeof expected === 'number' && typeof actual === 'number' ? Math.abs(actual - expected) <= 1e-4 * Math.max(1, Math.abs(expected)) : actual === expected;

async function readAll(connector: Connector): Promise<Map<string, TagValue>> {
  const values = new Map<string, TagValue>();
  for (const group of connector.groups()) for (const value of await connector.read(group)) values.set(value.tag, value);
  return values;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function describeConnectorConformance(name: string, createHarness: () => Promise<ConnectorHarness> | ConnectorHarness): void {
  describe(`${name} (connector conformance)`, { timeout: 60_000 }, () => {
    let harness: ConnectorHarness;
    let connector: Connector;
    const recoveryMs = () => 20_000 + (harness.recoveryTimeoutMs ?? 0);

    beforeAll(async () => {
      harness = await createHarness();
      await harness.startDevice();
      connector = harness.createConnector();
      await connector.connect({ signal: AbortSignal.timeout(recoveryMs()) });
    });
    afterAll(async () => {
      await connector?.close();
      await harness?.badAddresses.connector.close();
      await harness?.stopDevice();
    });

    it('validates every address at load and lists every problem at once', () => {
      expect(connector.validate()).toEqual([]);
      const problems = harness.badAddresses.connector.validate();
      expect(problems.map((p) => p.path).sort()).toEqual([...harness.badAddresses.problemPaths].sort());
      for (const problem of problems) expect(problem.message.length, `message of ${problem.path}`).toBeGreaterThan(20);
    });

    it('reads every supported type as the device holds it', async () => {
      const expected = harness.expectedValues();
      const values = await readAll(connector);
      for (const [tag, value] of Object.entries(expected)) {
        const read = values.get(tag);
        expect(read, `tag ${tag}`).toBeDefined();
        expect(read!.quality, `quality of ${tag} (${read!.error ?? ''})`).toBe('good');
        expect(closeTo(read!.value, value), `${tag}: read ${JSON.stringify(read!.value)}, device holds ${JSON.stringify(value)}`).toBe(true);
      }
    });

    it('writes values and reads them back', async () => {
      for (const { tag, value } of harness.writes) {
        await connector.write(tag, value);
        const read = (await readAll(connector)).get(tag)!;
        expect(closeTo(read.value, value), `${tag}: wrote ${value}, read ${JSON.stringify(read.value)}`).toBe(true);
      }
    });

    it('reports quality bad with an error code while the device is away, and recovers by itself', async () => {
      await harness.stopDevice();
      const bad = await until('bad quality', async () => {
        const values = [...(await readAll(connector)).values()];
        return values.every((v) => v.quality === 'bad') ? values : undefined;
      }, recoveryMs());
      for (const value of bad) {
        expect(value.value).toBeNull();
        expect(value.error).toMatch(/^[A-Z_]+$/);
      }
      expect(connector.linkState()).not.toBe('up');
      await harness.startDevice();
      await until('good quality again on the same connector', async () => {
        const values = [...(await readAll(connector)).values()];
        return values.every((v) => v.quality === 'good') ? true : undefined;
      }, recoveryMs());
      expect(connector.linkState()).toBe('up');
    });

    it('lets no error escape while the device restarts under continuous reads', async () => {
      const escaped: unknown[] = [];
      const onEscape = (error: unknown) => escaped.push(error);
      process.on('uncaughtException', onEscape);
      process.on('unhandledRejection', onEscape);
      let reading = true;
      const readLoop = (async () => {
        while (reading) {
          for (const group of connector.groups() as ReadGroup[]) await connector.read(group).catch((error) => escaped.push(error));
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      try {
        for (let restart = 0; restart < 3; restart++) {
          await harness.stopDevice();
          await new Promise((r) => setTimeout(r, 150));
          await harness.startDevice();
          await until('recovery after a restart', async () => (connector.linkState() === 'up' ? true : undefined), recoveryMs());
        }
      } finally {
        reading = false;
        await readLoop;
        process.off('uncaughtException', onEscape);
        process.off('unhandledRejection', onEscape);
      }
      expect(escaped).toEqual([]);
      const values = await readAll(connector);
      expect([...values.values()].every((v) => v.quality === 'good')).toBe(true);
    });
  });
}
