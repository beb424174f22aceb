import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { loadCloudConfig, loadSiteConfig } from './load-config.ts';
import { configJsonSchema } from './json-schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('site config loader', () => {
  it('loads the demo plant with defaults applied and frozen', () => {
    const config = loadSiteConfig('config/examples/demo-plant.yaml', {});
    expect(config.gateway.edge).toBe('gw-cold-room-1');
    expect(config.north.url).toBe('mqtt://127.0.0.1:1883');
    expect(config.connectors[0]!.tags.length).toBeGreaterThan(40);
    expect(config.outbox.maxBytes).toBe(268435456);
    expect(Object.isFrozen(config.connectors[0]!.tags[0])).toBe(true);
    expect(() => { (config.gateway as { edge: string }).edge = 'x'; }).toThrow(TypeError);
  });

  it('takes ports and secrets from the environment, as numbers where the value is a number', () => {
    const config = loadSiteConfig('config/examples/demo-plant.yaml', {
      EDGESTOCK_MQTT_PORT: '21883', EDGESTOCK_GATEWAY_HTTP_PORT: '28081', EDGESTOCK_GATEWAY_PASSWORD: 's3cret',
    });
    expect(config.north.url).toBe('mqtt://127.0.0.1:21883');
    expect(config.gateway.http.port).toBe(28081);
    expect(config.north.password).toBe('s3cret');
  });

  it('lists every problem with its path, not just the first', () => {
    const path = file('bad.yaml', `
site: { id: "has space" }
gateway: { group: g, edge: e, http: { port: 70000 } }
north: { url: "http://broker", keepaliveS: 1 }
outbox: { maxBytes: 10, budget: 3 }
connectors:
  - name: plc
    protocol: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: 0 }
    tags:
      - { name: t1, address: "hr:0", scale: 0 }
      - { address: "hr:1" }
`);
    const problems = problemsOf(() => loadSiteConfig(path, {}));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^site\.id: found "has space"; use letters/),
      expect.stringMatching(/^gateway\.http\.port: found 70000/),
      expect.stringMatching(/^north\.url: found "http:\/\/broker"; expected mqtt:\/\/host:port/),
      expect.stringMatching(/^north\.keepaliveS: found 1/),
      expect.stringMatching(/^outbox: unknown key "budget"/),
      expect.stringMatching(/^outbox\.maxBytes: found 10/),
      expect.stringMatching(/^connectors\[0\]\.connection\.port: found 0/),
      expect.stringMatching(/^connectors\[0\]\.tags\[0\]\.scale: found 0; scale must not be 0/),
      expect.stringMatching(/^connectors\[0\]\.tags\[1\]\.name: required/),
    ]));
    expect(problems.length).toBe(9);
  });

  it('names an unknown protocol and the ones it knows', () => {
    const path = file('proto.yaml', `
site: { id: s }
gateway: { group: g, edge: e }
north: { url: "mqtt://127.0.0.1:1883" }
connectors: [ { name: x, protocol: profibus, tags: [] } ]
`);
    const [problem] = problemsOf(() => loadSiteConfig(path, {}));
    expect(problem).toMatch(/^connectors\[0\]\.protocol: .*"modbus"/);
  });

  it('reports a missing environment variable that has no default', () => {
    const path = file('env.yaml', `
site: { id: s }
gateway: { group: g, edge: e }
north: { url: "mqtt://127.0.0.1:1883", password: "\${GW_SECRET}" }
connectors: [ { name: x, protocol: modbus, connection: { transport: tcp, host: h }, tags: [ { name: t, address: "hr:0" } ] } ]
`);
    expect(problemsOf(() => loadSiteConfig(path, {}))).toEqual([
      'north.password: environment variable GW_SECRET is not set; set it or write ${GW_SECRET:-default}',
    ]);
    expect(loadSiteConfig(path, { GW_SECRET: 'pw' }).north.password).toBe('pw');
  });

  it('reports YAML syntax errors with their line and an unreadable file with its path', () => {
    const path = file('syntax.yaml', 'site:\n  id: [unclosed\n');
    expect(problemsOf(() => loadSiteConfig(path, {}))[0]).toMatch(/^line \d+, column \d+: YAML syntax/);
    expect(problemsOf(() => loadSiteConfig(join(dir, 'missing.yaml'), {}))[0]).toMatch(/cannot read the file \(ENOENT\)/);
  });

  it('validates RTU serial settings', () => {
    const path = file('rtu.yaml', `
site: { id: s }
gateway: { group: g, edge: e }
north: { url: "mqtt://127.0.0.1:1883" }
connectors: [ { name: x, protocol: modbus, connection: { transport: rtu, path: /dev/ttyUSB0, baudRate: 12345, parity: mark }, tags: [ { name: t, address: "hr:0" } ] } ]
`);
    const problems = problemsOf(() => loadSiteConfig(path, {}));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^connectors\[0\]\.connection\.baudRate: found 12345/);
    expect(problems[1]).toMatch(/^connectors\[0\]\.connection\.parity: found "mark"; expected one of "none", "even", "odd"/);
  });
});

describe('cloud config loader', () => {
  it('loads the demo cloud config', () => {
    const config = loadCloudConfig('config/examples/cloud.yaml', { EDGESTOCK_HTTP_PORT: '18080' });
    expect(config.http.port).toBe(18080);
    expect(config.broker.mode).toBe('embedded');
    expect(config.broker.mode === 'embedded' && config.broker.users).toEqual([
      { username: 'gw-cold-room-1', password: 'gw-cold-room-1-demo', group: 'demo-plant', edge: 'gw-cold-room-1' },
    ]);
  });

  it('resolves the rule glossary and seed pack against the config file\'s folder', () => {
    const config = loadCloudConfig('config/examples/cloud.yaml', {});
    expect(config.rules).toEqual({
      glossary: resolve('rules/library/demo-plant.glossary.yaml'),
      seedPack: resolve('rules/library/demo-plant.rules.yaml'),
    });
    expect(Object.isFrozen(config.rules)).toBe(true);
  });

  it('binds each gateway login to one edge node and refuses duplicates and the ingest name', () => {
    const path = file('gateways.yaml', `
broker:
  mode: embedded
  users:
    - { username: gw-1, password: a, group: plant, edge: e1 }
    - { username: gw-1, password: b, group: plant, edge: e2 }
    - { username: gw-3, password: c, group: plant, edge: e1 }
    - { username: cloud-ingest, password: d, group: plant, edge: e4 }
    - { username: gw-5, password: e, group: "plant/x", edge: "#" }
    - { username: gw-6, password: f }
`);
    expect(problemsOf(() => loadCloudConfig(path, {}))).toEqual([
      'broker.users[3].username: found "cloud-ingest"; "cloud-ingest" is the cloud\'s own ingest login; choose another username',
      expect.stringMatching(/^broker\.users\[4\]\.group: found "plant\/x"; use letters/),
      expect.stringMatching(/^broker\.users\[4\]\.edge: found "#"; use letters/),
      'broker.users[5].group: required; expected string',
      'broker.users[5].edge: required; expected string',
    ]);
    const duplicates = file('duplicates.yaml', `
broker:
  mode: embedded
  users:
    - { username: gw-1, password: a, group: plant, edge: e1 }
    - { username: gw-1, password: b, group: plant, edge: e2 }
    - { username: gw-3, password: c, group: plant, edge: e1 }
`);
    expect(problemsOf(() => loadCloudConfig(duplicates, {}))).toEqual([
      'broker.users[1].username: "gw-1" is already users[0]; each gateway needs its own username',
      'broker.users[2].edge: plant/e1 is already users[0]; one login per Sparkplug edge node',
    ]);
  });

  it('takes secrets from files next to the config and names a missing one', () => {
    writeFileSync(join(dir, 'gw-secret'), 'from-a-file\n');
    const path = file('secret-file.yaml', `
broker:
  mode: embedded
  users: [ { username: gw, password: "\${file:gw-secret}", group: g, edge: e } ]
`);
    const config = loadCloudConfig(path, {});
    expect(config.broker.mode === 'embedded' && config.broker.users[0]!.password).toBe('from-a-file');
    const missing = file('missing-secret.yaml', `
broker: { mode: external, url: "mqtt://broker:1883", password: "\${file:/run/secrets/nope}" }
`);
    expect(problemsOf(() => loadCloudConfig(missing, {}))).toEqual([
      'broker.password: cannot read secret file /run/secrets/nope (ENOENT); check the path and that this user may read it',
    ]);
  });

  it('checks TLS files at load and that tls goes with mqtts://', () => {
    const cert = join(dir, 'server.crt');
    writeFileSync(cert, 'PEM');
    const path = file('tls.yaml', `
http: { tls: { certFile: ${cert}, keyFile: ${join(dir, 'missing.key')} } }
broker: { mode: embedded, plain: false, users: [ { username: gw, password: p, group: g, edge: e } ] }
`);
    expect(problemsOf(() => loadCloudConfig(path, {}))).toEqual([
      `http.tls.keyFile: cannot read ${join(dir, 'missing.key')} (ENOENT); check the path and that this user may read it`,
      'broker: plain: false leaves no listener; add broker.tls or set plain: true',
    ]);
    const external = file('tls-external.yaml', `
broker: { mode: external, url: "mqtt://broker:1883", tls: { caFile: ${cert} } }
`);
    expect(problemsOf(() => loadCloudConfig(external, {}))).toEqual(['broker.tls: tls is set but the url is not mqtts://; use mqtts://host:port']);
    const embedded = file('tls-embedded.yaml', `
broker: { mode: embedded, plain: false, tls: { certFile: ${cert}, keyFile: ${cert} }, users: [ { username: gw, password: p, group: g, edge: e } ] }
`);
    expect(loadCloudConfig(embedded, {}).broker).toMatchObject({ plain: false, tls: { port: 8883, certFile: cert } });
  });
});

describe('JSON Schema export', () => {
  it('describes the site and cloud files', () => {
    const site = configJsonSchema('site') as { properties: Record<string, unknown> };
    expect(Object.keys(site.properties)).toEqual(expect.arrayContaining(['site', 'gateway', 'north', 'outbox', 'connectors']));
    expect(Object.keys((configJsonSchema('cloud') as { properties: object }).properties)).toContain('broker');
  });
});
