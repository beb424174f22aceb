import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cloudMigrations, migrate } from '../store/migrations.ts';
import { adminFloor, defaultMatrix, isReadPermission, permissionIds, roleIds } from './permissions.ts';
import { MatrixError, SqliteRoleMatrix } from './role-matrix.ts';

describe('the permission catalogue and the default matrix', () => {
  it('is what migration 003 seeds', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(db.prepare('SELECT id FROM permission ORDER BY id').pluck().all()).toEqual([...permissionIds].sort());
    expect(db.prepare('SELECT id FROM role ORDER BY id').pluck().all()).toEqual([...roleIds].sort());
    expect(new SqliteRoleMatrix(db).get()).toEqual(defaultMatrix);
    db.close();
  });

  it('gives the auditor every read permission and nothing that changes anything', () => {
    expect(defaultMatrix.auditor).toEqual(permissionIds.filter(isReadPermission));
    expect(defaultMatrix.auditor).toEqual(expect.arrayContaining(['telemetry.read', 'audit.read']));
  });

  it('gives the admin everything and the operator no telemetry, no overrides', () => {
    expect(defaultMatrix.admin).toEqual(permissionIds);
    expect(defaultMatrix.warehouse_operator).toEqual(['scans.perform', 'inventory.read', 'inventory.manage']);
  });

  it('grants inventory.read and masterdata.manage on a matrix an admin edited before migration 010, keeping the edits', () => {
    const db = new Database(':memory:');
    migrate(db, cloudMigrations.filter((m) => m.version < 10));
    db.prepare("DELETE FROM role_permission WHERE role = 'sales' AND permission = 'override.force_ship_near_expiry'").run();
    db.prepare("INSERT INTO role_permission VALUES ('warehouse_operator', 'telemetry.read')").run();
    migrate(db);
    const matrix = new SqliteRoleMatrix(db).get();
    for (const role of ['admin', 'auditor', 'warehouse_operator', 'plant_engineer', 'sales', 'purchasing'] as const) expect(matrix[role], role).toContain('inventory.read');
    for (const role of ['process_expert', 'finance'] as const) expect(matrix[role], role).not.toContain('inventory.read');
    expect(Object.entries(matrix).filter(([, ids]) => ids.includes('masterdata.manage')).map(([role]) => role).sort()).toEqual(['admin', 'plant_engineer']);
    expect(matrix.sales).not.toContain('override.force_ship_near_expiry');
    expect(matrix.warehouse_operator).toEqual(['telemetry.read', 'scans.perform', 'inventory.read', 'inventory.manage']);
    db.close();
  });

  it('separates releasing rules from approving them for production', () => {
    expect(defaultMatrix.process_expert).not.toContain('rules.release.production.approve');
    expect(defaultMatrix.plant_engineer).toContain('rules.release.production.approve');
    expect(defaultMatrix.plant_engineer).not.toContain('rules.edit');
  });
});

describe('the role matrix', () => {
  it('replaces the whole matrix and refuses to take account or permission management from the admin', () => {
    const db = new Database(':memory:');
    migrate(db);
    const matrix = new SqliteRoleMatrix(db);
    const next = structuredClone(defaultMatrix) as unknown as Record<string, string[]>;
    next.warehouse_operator = ['scans.perform', 'telemetry.read'];
    const before = matrix.replace(next as never);
    expect(before).toEqual(defaultMatrix);
    expect(matrix.permissionsOf('warehouse_operator').has('telemetry.read')).toBe(true);
    for (const lost of adminFloor) {
      const broken = { ...next, admin: next.admin!.filter((id) => id !== lost) };
      expect(() => matrix.replace(broken as never)).toThrow(MatrixError);
    }
    expect(() => db.prepare("INSERT INTO role_permission VALUES ('auditor', 'everything.manage')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
