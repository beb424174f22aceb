import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetryPoint, TelemetryStore } from '../store/telemetry-store.ts';
import { openTestCloud, type TestCloud } from './test-fixture.ts';

const t0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

let cloud: TestCloud;
let store: TelemetryStore;
let app: FastifyInstance;
/** These tests read as a plant engineer would; access control has its own tests (access-control.test.ts). */
let authorization: string;

function point(partial: Partial<TelemetryPoint> & Pick<TelemetryPoint, 'tag' | 'value' | 'ts'>): TelemetryPoint {
  return { group: 'plant-berlin', edge: 'line-1-gw', device: 'press-s7', quality: 'good', ...partial };
}

beforeEach(async () => {
  cloud = await openTestCloud({
    health: () => ({ broker: { mode: 'embedded', clients: 2 }, ingest: { frames: 14, rejected: 0 } }),
  });
  ({ store, app } = cloud);
  authorization = `Bearer ${cloud.tokenFor('plant_engineer')}`;
  store.defineMetrics([
    { group: 'plant-berlin', edge: 'line-1-gw', device: 'press-s7', tag: 'temperature', datatype: 'Double', unit: '°C', protocol: 's7' },
    { group: 'plant-berlin', edge: 'line-1-gw', device: 'press-s7', tag: 'running', datatype: 'Boolean', protocol: 's7' },
    { group: 'plant-berlin', edge: 'line-1-gw', device: 'shelf-4', tag: 'humidity', datatype: 'Float', unit: '%RH', protocol: 'modbus' },
    { group: 'plant-berlin', edge: 'line-2-gw', device: 'pda-7', tag: 'lastScan', datatype: 'String', protocol: 'scanner' },
    { group: 'dc-shanghai', edge: 'cold-gw', device: 'chiller-1', tag: 'supplyTemp', datatype: 'Double', unit: '°C', protocol: 'opcua' },
  ]);
  const temperatures: TelemetryPoint[] = [];
  for (let i = 0; i < 10; i++) temperatures.push(point({ tag: 'temperature', value: 20 + i, ts: t0 + i * 60_000 }));
  store.insertSamples([
    ...temperatures,
    point({ tag: 'running', value: true, ts: t0 }),
    point({ device: 'shelf-4', tag: 'humidity', value: null, quality: 'bad', error: 'LINK_DOWN', ts: t0 + 5000 }),
    point({ edge: 'line-2-gw', device: 'pda-7', tag: 'lastScan', value: '(01)09501101020917', quality: 'uncertain', ts: t0 + 7000 }),
    point({ group: 'dc-shanghai', edge: 'cold-gw', device: 'chiller-1', tag: 'supplyTemp', value: 4.5, ts: t0 + 1000 }),
  ]);
});

afterEach(async () => {
  await cloud.close();
});

async function getJson(url: string) {
  const response = await app.inject({ method: 'GET', url, headers: { authorization } });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

describe('GET /api/telemetry/latest', () => {
  it('returns each tag once with exactly group, edge, device, protocol, tag, value, quality, error, ts, unit and stale', async () => {
    const { status, body } = await getJson('/api/telemetry/latest');
    expect(status).toBe(200);
    expect(body).toHaveLength(5);
    for (const row of body) {
      expect(Object.keys(row).sort()).toEqual(['device', 'edge', 'error', 'group', 'protocol', 'quality', 'stale', 'tag', 'ts', 'unit', 'value']);
    }
    expect(body).toContainEqual({
      group: 'plant-berlin', edge: 'line-1-gw', device: 'press-s7', protocol: 's7',
      tag: 'temperature', value: 29, quality: 'good', error: null, ts: t0 + 9 * 60_000, unit: '°C', stale: false, // no session says otherwise
    });
    expect(body).toContainEqual(expect.objectContaining({ tag: 'running', value: true, unit: null }));
    expect(body).toContainEqual(expect.objectContaining({ tag: 'humidity', value: null, quality: 'bad', error: 'LINK_DOWN', unit: '%RH' }));
    expect(body).toContainEqual(expect.objectContaining({ tag: 'lastScan', value: '(01)09501101020917', quality: 'uncertain', error: null }));
  });

  it('narrows by site, gateway, device and tag', async () => {
    const tags = async (query: string) => (await getJson(`/api/telemetry/latest?${query}`)).body.map((r: { tag: string }) => r.tag).sort();
    expect(await tags('group=dc-shanghai')).toEqual(['supplyTemp']);
    expect(await tags('edge=line-1-gw')).toEqual(['humidity', 'running', 'temperature']);
    expect(await tags('edge=line-1-gw&device=press-s7')).toEqual(['running', 'temperature']);
    expect(await tags('device=press-s7&tag=running')).toEqual(['running']);
    expect(await tags('edge=no-such-gw')).toEqual([]);
  });

  it('sends NaN from a float sensor as null instead of failing the answer', async () => {
    store.insertSamples([point({ tag: 'temperature', value: Number.NaN, ts: t0 + 3_600_000 })]);
    const latest = await getJson('/api/telemetry/latest?tag=temperature');
    expect(latest.status).toBe(200);
    expect(latest.body[0]).toMatchObject({ value: null, ts: t0 + 3_600_000 });
    const history = await getJson(`/api/telemetry/history?edge=line-1-gw&device=press-s7&tag=temperature&from=${t0 + 3_600_000}`);
    expect(history.body.points).toEqual([{ ts: t0 + 3_600_000, value: null, quality: 'good', error: null }]);
  });

  it('rejects an unknown query key with a 400 naming it', async () => {
    const { status, body } = await getJson('/api/telemetry/latest?site=plant-berlin');
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'UNKNOWN_FIELD',
      field: 'site',
      message: 'unknown query parameter "site"; this route takes group, edge, device, tag',
    });
  });
});

describe('GET /api/telemetry/history', () => {
  const base = '/api/telemetry/history?edge=line-1-gw&device=press-s7&tag=temperature';

  it('returns the tag, its unit and every reading oldest first', async () => {
    const { status, body } = await getJson(base);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['device', 'edge', 'points', 'tag', 'unit']);
    expect(body).toMatchObject({ edge: 'line-1-gw', device: 'press-s7', tag: 'temperature', unit: '°C' });
    expect(body.points).toHaveLength(10);
    expect(body.points[0]).toEqual({ ts: t0, value: 20, quality: 'good', error: null });
    expect(body.points.map((p: { ts: number }) => p.ts)).toEqual([...body.points.map((p: { ts: number }) => p.ts)].sort((a, b) => a - b));
  });

  it('keeps readings between from and to inclusive, given as epoch ms or ISO-8601', async () => {
    const values = (body: { points: Array<{ value: number }> }) => body.points.map((p) => p.value);
    const byMs = await getJson(`${base}&from=${t0 + 2 * 60_000}&to=${t0 + 4 * 60_000}`);
    expect(values(byMs.body)).toEqual([22, 23, 24]);
    const byIso = await getJson(`${base}&from=${iso(t0 + 2 * 60_000)}&to=${encodeURIComponent('2026-11-24T11:04:00+01:00')}`);
    expect(values(byIso.body)).toEqual([22, 23, 24]);
  });

  it("gives each reading's error code: why it is bad, null when good", async () => {
    store.insertSamples([
      point({ device: 'shelf-4', tag: 'humidity', value: null, quality: 'bad', error: 'TIMEOUT', ts: t0 + 6000 }),
      point({ device: 'shelf-4', tag: 'humidity', value: 41.5, ts: t0 + 7000 }),
    ]);
    const { status, body } = await getJson('/api/telemetry/history?edge=line-1-gw&device=shelf-4&tag=humidity');
    expect(status).toBe(200);
    expect(body.points).toEqual([
      { ts: t0 + 5000, value: null, quality: 'bad', error: 'LINK_DOWN' },
      { ts: t0 + 6000, value: null, quality: 'bad', error: 'TIMEOUT' },
      { ts: t0 + 7000, value: 41.5, quality: 'good', error: null },
    ]);
  });

  it('keeps the newest readings when limit cuts the range', async () => {
    const { body } = await getJson(`${base}&limit=3`);
    expect(body.points.map((p: { value: number }) => p.value)).toEqual([27, 28, 29]);
  });

  it('names the field and the accepted forms when from is not a time', async () => {
    const { status, body } = await getJson(`${base}&from=yesterday`);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'INVALID_VALUE',
      field: 'from',
      message: 'from: "yesterday" is not a time; expected epoch milliseconds or ISO-8601 like 2026-11-24T10:00:00Z',
    });
  });

  it('refuses a date-time without a zone rather than guessing one', async () => {
    const { status, body } = await getJson(`${base}&to=2026-11-24T10:00:00`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'INVALID_VALUE', field: 'to' });
  });

  it('names limit when it is not a whole number in range', async () => {
    for (const limit of ['abc', '0', '100001', '2.5']) {
      const { status, body } = await getJson(`${base}&limit=${limit}`);
      expect(status, limit).toBe(400);
      expect(body.field).toBe('limit');
      expect(body.message).toContain('expected a whole number from 1 to 100000');
    }
  });

  it('refuses a range whose end is before its start', async () => {
    const { status, body } = await getJson(`${base}&from=${t0 + 60_000}&to=${t0}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'INVALID_VALUE', field: 'to' });
  });

  it('names a missing edge and says what to send', async () => {
    const { status, body } = await getJson('/api/telemetry/history?device=press-s7&tag=temperature');
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'MISSING_FIELD',
      field: 'edge',
      message: 'edge: missing; expected a gateway (Sparkplug edge node id) as listed by GET /api/telemetry/latest',
    });
  });

  it('names every unknown query key at once and suggests the near miss', async () => {
    const { status, body } = await getJson('/api/telemetry/history?edge=line-1-gw&device=press-s7&tag=temperature&form=1&colour=red');
    expect(status).toBe(400);
    expect(body.error).toBe('UNKNOWN_FIELD');
    expect(body.field).toBe('form');
    expect(body.message).toContain('"form" (did you mean "from"?)');
    expect(body.message).toContain('"colour"');
  });

  it('says which key is given twice', async () => {
    const { status, body } = await getJson(`${base}&from=1&from=2`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ field: 'from', message: expect.stringContaining('given 2 times') });
  });

  it('answers 404 with where to look when the tag does not exist', async () => {
    const { status, body } = await getJson('/api/telemetry/history?edge=line-1-gw&device=press-s7&tag=pressure');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: 'NOT_FOUND', field: 'tag' });
    expect(body.message).toContain('/api/telemetry/latest?edge=line-1-gw&device=press-s7');
  });

  it('asks for group when the gateway name exists in two sites', async () => {
    store.insertSamples([point({ group: 'plant-munich', tag: 'temperature', value: 5, ts: t0 })]);
    const ambiguous = await getJson(base);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body).toMatchObject({ error: 'AMBIGUOUS', field: 'group' });
    const picked = await getJson(`${base}&group=plant-munich`);
    expect(picked.body.points).toEqual([{ ts: t0, value: 5, quality: 'good', error: null }]);
  });
});

describe('GET /api/health', () => {
  it('reports ok, uptime, store counts, rejected requests and the broker and ingest figures it is given', async () => {
    await getJson('/api/telemetry/history?edge=line-1-gw&device=press-s7&tag=temperature&from=yesterday');
    const { status, body } = await getJson('/api/health');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      uptimeS: expect.any(Number),
      store: { samples: 14, tags: 5 },
      web: { rejected: { INVALID_VALUE: 1 } },
      broker: { mode: 'embedded', clients: 2 },
      ingest: { frames: 14, rejected: 0 },
    });
  });
});

describe('admin page and assets', () => {
  it('serves the admin page as HTML with a content security policy', async () => {
    const response = await app.inject({ method: 'GET', url: '/', headers: { authorization } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain('<script type="module" src="/ui/admin.js"></script>');
  });

  it('serves the vendored uPlot script and stylesheet with their content types and cache headers', async () => {
    const script = await app.inject({ method: 'GET', url: '/ui/vendor/uPlot.iife.min.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=86400');
    expect(script.body).toContain('uPlot');
    const css = await app.inject({ method: 'GET', url: '/ui/vendor/uPlot.min.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves its own scripts for revalidation and answers 304 to a matching ETag', async () => {
    const first = await app.inject({ method: 'GET', url: '/ui/admin.js' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await app.inject({ method: 'GET', url: '/ui/admin.js', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers 404 in JSON for a file or route that does not exist', async () => {
    const asset = await getJson('/ui/../../package.json');
    expect(asset.status).toBe(404);
    expect(asset.body.error).toBe('NOT_FOUND');
    const route = await getJson('/api/nothing');
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ error: 'NOT_FOUND', message: expect.stringContaining('/api/openapi.json') });
  });
});

describe('GET /api/openapi.json', () => {
  it('lists every route with its query parameters from the route schemas', async () => {
    const { status, body } = await getJson('/api/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual([
      '/', '/api/audit', '/api/audit/export.csv', '/api/gateways', '/api/gateways/credentials', '/api/gateways/credentials/{username}/rotate', '/api/gateways/sessions',
      '/api/gateways/{group}/{edge}/browse', '/api/gateways/{group}/{edge}/certificates', '/api/gateways/{group}/{edge}/certificates/{thumbprint}/trust',
      '/api/gateways/{group}/{edge}/config', '/api/gateways/{group}/{edge}/config/rollback', '/api/gateways/{group}/{edge}/config/versions', '/api/gateways/{group}/{edge}/events',
      '/api/gateways/{group}/{edge}/tags/write', '/api/gateways/{group}/{edge}/test-read',
      '/api/health', '/api/inventory/location-blocks', '/api/lots/{gtin}/{batch}/history', '/api/maintenance-tickets', '/api/openapi.json', '/api/permissions', '/api/purchasing/requisitions',
      '/api/rules/compile', '/api/rules/deployments', '/api/rules/glossary', '/api/rules/packs', '/api/rules/packs/{version}',
      '/api/rules/packs/{version}/promote', '/api/rules/packs/{version}/shadow', '/api/rules/packs/{version}/shadow-comparison', '/api/rules/rollback',
      '/api/scans', '/api/scans/alerts', '/api/schema/connector', '/api/session',
      '/api/session/password', '/api/shelves', '/api/shelves/{code}/history', '/api/telemetry/history', '/api/telemetry/latest', '/api/tia-import', '/api/tokens', '/api/tokens/{id}', '/api/users',
      '/api/users/{username}', '/api/users/{username}/password-reset',
      '/audit', '/connectors', '/docs', '/gateway-credentials', '/gateways', '/login', '/permissions', '/rules', '/ui/{path}', '/users',
    ]);
    expect(body.paths['/api/telemetry/latest'].get['x-permission']).toBe('telemetry.read');
    expect(body.paths['/api/session'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    const history = body.paths['/api/telemetry/history'].get;
    const params = Object.fromEntries(history.parameters.map((p: { name: string; required: boolean }) => [p.name, p.required]));
    expect(params).toEqual({ edge: true, device: true, tag: true, from: false, to: false, group: false, limit: false });
    expect(history.responses['400'].content['application/json'].schema.required).toEqual(['error', 'field', 'message']);
    const latest = body.paths['/api/telemetry/latest'].get.responses['200'].content['application/json'].schema;
    expect(latest.type).toBe('array');
    expect(latest.items.required).toContain('error');
    expect(latest.items.properties.error).toMatchObject({ type: ['string', 'null'], description: expect.stringContaining('LINK_DOWN') });
    const point = history.responses['200'].content['application/json'].schema.properties.points.items;
    expect(point.required).toEqual(['ts', 'value', 'quality', 'error']);
    expect(point.properties.error.type).toEqual(['string', 'null']);
  });
});
