/**
 * The tooling routes on the real cloud app (accounts, sessions, access control, error handler)
 * over a real tooling part: SQLite files, counter samples written to the telemetry store as the
 * ingest writes them, the feed polled as its timer would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER, MOLD_ID, openToolingWorld, PDF, PNG, seedPlant, T0, type ToolingWorld } from '../../tooling/testing/tooling-fixture.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { toolingRoutes } from './tooling.ts';

describe('tooling routes', () => {
  let world: ToolingWorld;
  let cloud: TestCloud;
  let engineer: LoggedIn;
  let auditor: LoggedIn;

  beforeAll(async () => {
    world = openToolingWorld();
    seedPlant(world);
    cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => app.register(toolingRoutes, { tooling: world.tooling.api }) });
    engineer = await cloud.login('engineer');
    auditor = await cloud.login('auditor');
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    world?.close();
  });

  it('reads with inventory.read and changes with tooling.manage only', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/tooling/assets' })).statusCode).toBe(401);
    expect((await auditor.inject({ method: 'GET', url: '/api/tooling/assets' })).statusCode).toBe(200);
    const refused = await auditor.inject({ method: 'PUT', url: '/api/tooling/assets/INS-9', payload: { kind: 'insert', serial: 'x', name: 'x' } });
    expect([refused.statusCode, refused.json().error]).toEqual([403, 'FORBIDDEN']);
    const ours = cloud.app.routeTable.filter((r) => r.url.startsWith('/api/tooling/') && r.method !== 'HEAD');
    expect(ours.length).toBe(15);
    for (const r of ours) expect(r.permission, `${r.method} ${r.url}`).toBe(r.method === 'GET' ? 'inventory.read' : 'tooling.manage');
  });

  it('registers assets, refusing bad ones with the field named and nothing changed', async () => {
    const put = (id: string, payload: object) => engineer.inject({ method: 'PUT', url: `/api/tooling/assets/${id}`, payload });
    const created = await put('INS-0050', { kind: 'insert', serial: 'SN-50', name: 'gate insert', parent: 'SM-1', position: 'gate', lifeShots: 9000, warnAtShots: 8500, cteUmPerMK: 11.5 });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ id: 'INS-0050', motherMold: 'M-100', machine: 'IMM-01', lifePct: 0, lifeState: 'ok', shots: 0 });
    const before = (await auditor.inject({ method: 'GET', url: '/api/tooling/assets' })).body;
    const cases: Array<[string, object, number, string, string]> = [
      ['INS-0051', { kind: 'insert', serial: 'SN-51', name: 'x', lifeShots: 9000, warnAtShots: 9001 }, 400, 'INVALID_INPUT', 'warnAtShots'],
      ['INS-0051', { kind: 'insert', serial: 'SN-51', name: 'x', parent: 'NOPE' }, 400, 'INVALID_INPUT', 'parent'],
      ['INS-0051', { kind: 'insert', serial: 'SN-51', name: 'x', status: 'in_service' }, 400, 'INVALID_INPUT', 'parent'],
      ['INS-0051', { kind: 'insert', serial: 'SN-51', name: 'x', cteUmPerMK: -3 }, 400, 'INVALID_VALUE', 'cteUmPerMK'],
      ['INS-0051', { kind: 'insert', serial: 'SN-50', name: 'x' }, 409, 'CONFLICT', 'serial'],
      ['INS-0051', { kind: 'insert', serial: 'SN-51', name: 'x', lifeshots: 9000 }, 400, 'UNKNOWN_FIELD', 'lifeshots'],
    ];
    for (const [id, payload, status, error, field] of cases) {
      const response = await put(id, payload);
      expect([response.statusCode, response.json().error, response.json().field], response.body).toEqual([status, error, field]);
      expect(response.json().message).toContain(field);
    }
    expect((await auditor.inject({ method: 'GET', url: '/api/tooling/assets' })).body).toBe(before);
    const missing = await auditor.inject({ method: 'GET', url: '/api/tooling/assets/NOPE' });
    expect([missing.statusCode, missing.json().error, missing.json().field]).toEqual([404, 'NOT_FOUND', 'id']);
  });

  it('counts shots from the edge, warns at 8,500 of 9,000 and recommends the CTE-matching spare', async () => {
    world.counter([[T0 + 1000, 12_000], [T0 + 2000, 12_000 + 8_512]]);
    world.tooling.feed.poll();
    const tree = (await auditor.inject({ method: 'GET', url: '/api/tooling/assets' })).json().assets;
    const ins = tree[0].children[0].children.find((n: { id: string }) => n.id === 'INS-0042');
    expect(ins).toMatchObject({ shots: 8_512, lifePct: 95, lifeState: 'warning' });
    const warnings = (await auditor.inject({ method: 'GET', url: '/api/tooling/warnings' })).json().warnings;
    const w = warnings.find((x: { assetId: string }) => x.assetId === 'INS-0042');
    expect(w.message).toBe('insert INS-0042 on mold M-100 (IMM-01) has 8,512 of 9,000 shots (95%): plan its replacement');
    expect(w.recommendation.candidates.map((c: { id: string }) => c.id)).toEqual(['INS-0107', 'INS-0110']);
    expect(w.recommendation.maintenanceWindow).toBeNull();
    const tight = (await auditor.inject({ method: 'GET', url: '/api/tooling/assets/INS-0042/recommendation?toleranceUmPerMK=0.15' })).json();
    expect(tight.candidates.map((c: { id: string }) => c.id)).toEqual(['INS-0107']);
    const bad = await auditor.inject({ method: 'GET', url: '/api/tooling/assets/INS-0042/recommendation?toleranceUmPerMK=-1' });
    expect([bad.statusCode, bad.json().field]).toEqual([400, 'toleranceUmPerMK']);
    const feed = (await auditor.inject({ method: 'GET', url: '/api/tooling/feed' })).json();
    expect(feed).toMatchObject({ shotsCounted: 8_512, errors: 0 });
  });

  it('registers machines, mounts molds and keeps the mount history', async () => {
    const put = await engineer.inject({ method: 'PUT', url: '/api/tooling/machines/IMM-02', payload: { name: 'Arburg 150t', counter: { ...COUNTER, tag: 'IMM-02/shot-counter' }, moldIdTag: { ...MOLD_ID, tag: 'IMM-02/mold-id' } } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ id: 'IMM-02', mold: null, lastCounter: null, cycleTimeS: null });
    const badTag = await engineer.inject({ method: 'PUT', url: '/api/tooling/machines/IMM-03', payload: { counter: { group: 'g', edge: 'e', device: 'd' } } });
    expect([badTag.statusCode, badTag.json().field]).toEqual([400, 'counter.tag']);
    const mounted = await engineer.inject({ method: 'POST', url: '/api/tooling/machines/IMM-02/mount', payload: { mold: 'M-100', at: T0 + 60_000 } });
    expect(mounted.json()).toMatchObject({ id: 'IMM-02', mold: 'M-100', mountedAt: T0 + 60_000 });
    const machines = (await auditor.inject({ method: 'GET', url: '/api/tooling/machines' })).json().machines;
    expect(machines.map((m: { id: string; mold: string | null }) => [m.id, m.mold])).toEqual([['IMM-01', null], ['IMM-02', 'M-100']]);
    const early = await engineer.inject({ method: 'POST', url: '/api/tooling/machines/IMM-01/mount', payload: { mold: 'M-100', at: T0 - 1 } });
    expect([early.statusCode, early.json().error, early.json().field]).toEqual([409, 'CONFLICT', 'at']);
    const notMold = await engineer.inject({ method: 'POST', url: '/api/tooling/machines/IMM-01/mount', payload: { mold: 'SM-1' } });
    expect([notMold.statusCode, notMold.json().field]).toEqual([400, 'mold']);
    const mounts = (await auditor.inject({ method: 'GET', url: '/api/tooling/machines/IMM-01/mounts' })).json().mounts;
    expect(mounts).toEqual([{ id: expect.any(Number), machine: 'IMM-01', mold: 'M-100', from: T0, to: T0 + 60_000, source: 'api', actor: 'test' }]);
    expect((await auditor.inject({ method: 'GET', url: '/api/tooling/machines/NOPE/mounts' })).statusCode).toBe(404);
  });

  it('takes inspection reports with files and serves the files back as attachments', async () => {
    const posted = await engineer.inject({
      method: 'POST', url: '/api/tooling/assets/INS-0042/inspections',
      payload: { date: '2026-03-02', inspector: 'Li Wei', result: 'wear', measurements: [{ name: 'cavity depth', value: 11.98, unit: 'mm' }], attachments: [{ filename: 'report 42.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64') }] },
    });
    expect(posted.statusCode, posted.body).toBe(201);
    const report = posted.json();
    expect(report).toMatchObject({ assetId: 'INS-0042', result: 'wear', actor: 'engineer', shotsAtInspection: 8_512 });
    const file = await auditor.inject({ method: 'GET', url: `/api/tooling/attachments/${report.attachments[0].id}` });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe('attachment; filename="report 42.pdf"; filename*=UTF-8\'\'report%2042.pdf');
    expect(file.rawPayload.equals(PDF)).toBe(true);
    const lying = await engineer.inject({
      method: 'POST', url: '/api/tooling/assets/INS-0042/inspections',
      payload: { date: '2026-03-03', inspector: 'Li Wei', result: 'ok', attachments: [{ filename: 'x.pdf', contentType: 'application/pdf', dataBase64: PNG.toString('base64') }] },
    });
    expect([lying.statusCode, lying.json().error, lying.json().field]).toEqual([400, 'INVALID_INPUT', 'attachments.0.contentType']);
    const list = (await auditor.inject({ method: 'GET', url: '/api/tooling/assets/INS-0042/inspections' })).json().inspections;
    expect(list.map((i: { id: number }) => i.id)).toEqual([report.id]);
    const huge = await engineer.inject({
      method: 'POST', url: '/api/tooling/assets/INS-0042/attachments',
      payload: { filename: 'huge.pdf', contentType: 'application/pdf', dataBase64: 'A'.repeat(8 * 1024 * 1024) },
    });
    expect([huge.statusCode, huge.json().error]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const cert = await engineer.inject({
      method: 'POST', url: '/api/tooling/assets/INS-0042/attachments',
      payload: { filename: 'cert.png', contentType: 'image/png', dataBase64: PNG.toString('base64'), certificate: 'C-3.1-7781' },
    });
    expect(cert.statusCode, cert.body).toBe(201);
    expect((await auditor.inject({ method: 'GET', url: '/api/tooling/attachments/99999' })).statusCode).toBe(404);
  });

  it('replaces a worn insert with the recommended spare', async () => {
    const response = await engineer.inject({ method: 'POST', url: '/api/tooling/assets/INS-0042/replace', payload: { with: 'INS-0107', retiredStatus: 'scrapped' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().removed).toMatchObject({ id: 'INS-0042', status: 'scrapped', parent: null, motherMold: null });
    expect(response.json().installed).toMatchObject({ id: 'INS-0107', status: 'in_service', parent: 'SM-1', position: 'cavity-1', motherMold: 'M-100' });
    const again = await engineer.inject({ method: 'POST', url: '/api/tooling/assets/INS-0042/replace', payload: { with: 'INS-0110' } });
    expect([again.statusCode, again.json().field]).toEqual([400, 'id']);
  });
});
