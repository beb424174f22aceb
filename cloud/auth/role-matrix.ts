/** Which role holds which permission: the editable matrix seeded by migration 003. */
import type { SqliteDatabase } from '../store/database.ts';
import { adminFloor, permissionIds, roleIds, type PermissionId, type RoleId } from './permissions.ts';

export type Matrix = Record<RoleId, PermissionId[]>;

export class MatrixError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'MatrixError';
    this.field = field;
  }
}

export interface RoleMatrix {
  /** Every role with its permissions in catalogue order. */
  get(): Matrix;
  permissionsOf(role: RoleId): ReadonlySet<PermissionId>;
  /** Replaces the whole matrix in one transaction; returns the matrix before. */
  replace(matrix: Matrix): Matrix;
}

export class SqliteRoleMatrix implements RoleMatrix {
  readonly #sql;
  readonly #replaceTx;
  // Read on every request: cached, and dropped whenever replace() commits.
  #cache: Map<RoleId, ReadonlySet<PermissionId>> | undefined;

  constructor(db: SqliteDatabase) {
    this.#sql = {
      all: db.prepare('SELECT role, permission FROM role_permission'),
      clear: db.prepare('DELETE FROM role_permission'),
      insert: db.prepare('INSERT INTO role_permission (role, permission) VALUES (?, ?)'),
    };
    this.#replaceTx = db.transaction((matrix: Matrix) => {
      this.#sql.clear.run();
      for (const role of roleIds) for (const permission of matrix[role]) this.#sql.insert.run(role, permission);
    });
  }

  #load(): Map<RoleId, ReadonlySet<PermissionId>> {
    if (this.#cache) return this.#cache;
    const sets = new Map<RoleId, Set<PermissionId>>(roleIds.map((role) => [role, new Set()]));
    for (const { role, permission } of this.#sql.all.all() as Array<{ role: RoleId; permission: PermissionId }>) {
      sets.get(role)?.add(permission);
    }
    this.#cache = sets;
    return sets;
  }

  get(): Matrix {
    const sets = this.#load();
    return Object.fromEntries(roleIds.map((role) => [role, permissionIds.filter((id) => sets.get(role)!.has(id))])) as Matrix;
  }

  permissionsOf(role: RoleId): ReadonlySet<PermissionId> {
    return this.#load().get(role) ?? new Set();
  }

  replace(matrix: Matrix): Matrix {
    for (const role of roleIds) {
      if (!matrix[role]) throw new MatrixError(`matrix.${role}`, `matrix.${role}: missing; give every role, with an empty list for none`);
    }
    const missingFloor = adminFloor.filter((id) => !matrix.admin.includes(id));
    if (missingFloor.length > 0) {
      throw new MatrixError('matrix.admin', `matrix.admin: must keep ${missingFloor.join(' and ')}, or nobody could manage accounts and permissions any more`);
    }
    const before = this.get();
    this.#replaceTx.immediate(matrix);
    this.#cache = undefined;
    return before;
  }
}
