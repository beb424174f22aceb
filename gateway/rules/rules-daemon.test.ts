/**
 * The rules runtime inside the whole daemon: a site config with `rules.file`, the Modbus shelf
 * simulator, the real compiler and engine, the SQLite outbox. No broker: rule events wait in the
 * outbox, where this test reads them (WAL lets a second connection read while the daemon writes).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { ConfigError } from '../../config/config-error.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema } from '../../config/site-schema.ts';
import type { RuleActionEventBody } from '../../connectors/edge-link/index.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../simulators/modbus/index.ts';
import { startGateway, type RunningGateway } from '../gateway-daemon.ts';

const glossaryPath = new URL('../../rules/library/demo-plant.glossary.yaml', import.meta.url).pathname;

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('gateway daemon running the rules of its site file', { timeout: 60_000 }, () => {
  let dir: string;
  let simulator: ShelfSimulator;
  let gateway: RunningGateway;

  const ruleEvents = (): Array<{ id: string; type: string; body: RuleActionEventBody }> => {
    const db = new Database(join(dir, 'data', 'outbox.sqlite'), { readonly: true });
    try {
      return (db.prepare("SELECT value FROM outbox WHERE kind = 'event' AND device = 'event' ORDER BY seq").all() as Array<{ value: string }>)
        .map((row) => JSON.parse(row.value)).filter((e) => e.type.startsWith('rule.'));
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-rules-daemon-'));
    writeFileSync(join(dir, 'site.rules.yaml'), [
      'pack: test-plant',
      'version: 3',
      `glossary: ${JSON.stringify(glossaryPath)}`,
      'rules:',
      '  - id: warm-b13',
      '    en: When the temperature of shelf B13 exceeds 10 °C, alert QA.',
      '  - id: setpoint-b14',
      '    en: When the temperature of shelf B14 exceeds 10 °C, set setpoint of shelf B14 to 6 °C.',
      '',
    ].join('\n'));
    const ports = { mqtt: await freePort(), modbus: await freePort() };
    simulator = await startShelfSimulator({ port: ports.modbus, stepMs: 100 });
    const config = parseConfig(siteConfigSchema, {
      site: { id: 'test-site' },
      gateway: { group: 'test-plant', edge: 'gw-rules', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: 0 } },
      north: { url: `mqtt://127.0.0.1:${ports.mqtt}`, reconnect: { initialDelayMs: 1000, maxDelayMs: 5000 } },
      connectors: [{
        name: 'shelf-sensors', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: ports.modbus },
        timeoutMs: 500, pollIntervalMs: 100,
        tags: [
          { name: 'B13/temperature', address: 'ir:6:int16', scale: 0.1, unit: '°C' },
          { name: 'B14/temperature', address: 'ir:8:int16', scale: 0.1, unit: '°C' },
          { name: 'B14/setpoint', address: 'hr:4:int16', scale: 0.1, unit: '°C' },
        ],
      }],
      rules: { file: join(dir, 'site.rules.yaml') },
    }, 'test site config');
    gateway = await startGateway({ config, logger: pino({ level: 'silent' }), closeDrainTimeoutMs: 100 });
  });

  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns a simulator value into a rule.action event in the outbox and writes a setpoint through the connector', async () => {
    expect(gateway.rules.report()).toEqual({ active: { pack: 'test-plant', version: 3 }, shadow: null });
    simulator.setTemperature(3, 12.3);
    const [alert] = await until('the rule.action of warm-b13', () => {
      const found = ruleEvents().filter((e) => e.body.rule === 'warm-b13');
      return found.length > 0 ? found : undefined;
    });
    expect(alert).toMatchObject({
      id: 'rule-test-plant-v3-warm-b13-r1-0', type: 'rule.action',
      body: { pack: 'test-plant', version: 3, rule: 'warm-b13', effect: { kind: 'alert', role: 'qa' }, outcome: 'done' },
    });
    expect(alert!.body.inputs['shelf-sensors/B13/temperature']).toBeCloseTo(12.3, 5);

    expect(simulator.snapshot().shelves[4]!.setpointC).toBe(4);
    simulator.setTemperature(4, 11);
    const write = await until('the setpoint write', () => ruleEvents().find((e) => e.body.rule === 'setpoint-b14'));
    expect(write.body).toMatchObject({ effect: { kind: 'writeTag', device: 'shelf-sensors', tag: 'B14/setpoint', value: 6 }, outcome: 'done' });
    expect(simulator.snapshot().shelves[4]!.setpointC).toBe(6);

    const health = await (await fetch(`http://127.0.0.1:${gateway.httpPort}/health`)).json();
    expect(health.rules).toMatchObject({ active: { pack: 'test-plant', version: 3, rules: 2 }, shadow: null, source: 'file', effectsFailed: 0, blocks: [] });
    expect(health.rules.firings.active).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^edgestock_rule_evaluations_total \d+/m);
    expect(metrics).toMatch(/^edgestock_rule_firings_total\{mode="active"\} [2-9]/m);
    expect(metrics).toMatch(/^edgestock_rule_effects_failed_total 0/m);
    expect(metrics).toMatch(/^edgestock_location_blocks 0/m);
  });
});

describe('gateway daemon with a bad rule in its site file', () => {
  it('refuses to start, naming the pack file, the rule and line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgestock-rules-daemon-bad-'));
    try {
      const file = join(dir, 'bad.rules.yaml');
      writeFileSync(file, `pack: bad\nversion: 1\nglossary: ${JSON.stringify(glossaryPath)}\nrules:\n  - id: typo\n    en: When remnant wieght of furnace F1 exceeds 15 kg, start approval "re-melt".\n`);
      const config = parseConfig(siteConfigSchema, {
        site: { id: 'test-site' },
        gateway: { group: 'test-plant', edge: 'gw-bad', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: 0 } },
        north: { url: 'mqtt://127.0.0.1:1' },
        connectors: [{ name: 'shelf-sensors', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: 1 }, tags: [{ name: 'B12/temperature', address: 'ir:4:int16' }] }],
        rules: { file },
      }, 'test site config');
      const error = await startGateway({ config, logger: pino({ level: 'silent' }) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).file).toBe(file);
      expect((error as ConfigError).problems).toEqual([{ path: 'rules.typo', message: expect.stringMatching(/^1:\d+: .*wieght/) }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
