import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMatrix, permissionIds, roleIds } from '../../auth/permissions.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';

let cloud: TestCloud;
let admin: LoggedIn;
beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  admin = await cloud.login('admin');
}, 30_000);
afterAll(async () => {
  await cloud?.close();
});

const matrixWith = (changes: Partial<Record<string, string[]>>) => ({ ...structuredClone(defaultMatrix), ...changes });

describe('GET /api/permissions', () => {
  it('gives everyone logged in the catalogue, the roles and the matrix, editable only with permissions.manage', async () => {
    const operator = await cloud.login('operator');
    const read = (await operator.inject({ method: 'GET', url: '/api/permissions' })).json();
    expect(read.editable).toBe(false);
    expect(read.permissions.map((p: { id: string }) => p.id)).toEqual(permissionIds);
    expect(read.roles.map((r: { id: string }) => r.id)).toEqual(roleIds);
    expect(read.matrix).toEqual(defaultMatrix);
    expect((await admin.inject({ method: 'GET', url: '/api/permissions' })).json().editable).toBe(true);
  });
});

describe('PUT /api/permissions', () => {
  it('changes what a role may do at once, and records the matrix before and after', async () => {
    const operator = await cloud.login('operator');
    expect((await operator.inject({ method: 'GET', url: '/api/telemetry/latest' })).statusCode).toBe(403);
    const put = await admin.inject({ method: 'PUT', url: '/api/permissions', payload: { matrix: matrixWith({ warehouse_operator: ['scans.perform', 'telemetry.read'] }) } });
    expect(put.statusCode).toBe(200);
    expect(put.json().matrix.warehouse_operator).toEqual(['telemetry.read', 'scans.perform']);
    expect((await operator.inject({ method: 'GET', url: '/api/telemetry/latest' })).statusCode).toBe(200);
    const [entry] = cloud.auth.service.parts.audit.query({ action: 'permissions.update' });
    expect(entry).toMatchObject({ actor: 'admin', actorKind: 'user', outcome: 'success', target: 'matrix' });
    expect((entry!.before as Record<string, string[]>).warehouse_operator).toEqual(['scans.perform', 'inventory.read', 'inventory.manage']);
    expect((entry!.after as Record<string, string[]>).warehouse_operator).toEqual(['telemetry.read', 'scans.perform']);
    await admin.inject({ method: 'PUT', url: '/api/permissions', payload: { matrix: matrixWith({}) } });
  });

  it('names the field at fault and changes nothing: unknown permission, unknown role, missing role, admin lock-out', async () => {
    const cases: Array<[unknown, string, string]> = [
      [matrixWith({ auditor: ['audit.read', 'audit.delete'] }), 'matrix.auditor.1', 'INVALID_VALUE'],
      [{ ...matrixWith({}), superuser: [] }, 'matrix.superuser', 'UNKNOWN_FIELD'],
      [Object.fromEntries(Object.entries(matrixWith({})).filter(([role]) => role !== 'finance')), 'matrix.finance', 'MISSING_FIELD'],
      [matrixWith({ admin: ['telemetry.read'] }), 'matrix.admin', 'INVALID_VALUE'],
    ];
    for (const [matrix, field, error] of cases) {
      const response = await admin.inject({ method: 'PUT', url: '/api/permissions', payload: { matrix } });
      expect(response.statusCode, JSON.stringify(matrix).slice(0, 80)).toBe(400);
      expect(response.json()).toMatchObject({ error, field });
    }
    const stray = await admin.inject({ method: 'PUT', url: '/api/permissions', payload: { matrix: matrixWith({}), note: 'hi' } });
    expect(stray.json()).toMatchObject({ error: 'UNKNOWN_FIELD', field: 'note' });
    expect(cloud.auth.service.parts.matrix.get()).toEqual(defaultMatrix);
  });
});
