/** Users and their roles. Passwords go in and out only as scrypt hashes (password-hash.ts). */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import type { RoleId } from './permissions.ts';

export interface Account {
  id: number;
  username: string;
  role: RoleId;
  mustChangePassword: boolean;
  createdAt: number;
  passwordChangedAt: number;
}

export interface AccountStore {
  count(): number;
  list(): Account[];
  byUsername(username: string): (Account & { passwordHash: string }) | undefined;
  byId(id: number): Account | undefined;
  create(input: { username: string; role: RoleId; passwordHash: string; mustChangePassword: boolean }): Account;
  setPassword(id: number, passwordHash: string, mustChangePassword: boolean): void;
  setRole(id: number, role: RoleId): void;
}

interface UserRow {
  id: number;
  username: string;
  role: string;
  password_hash: string;
  must_change_password: number;
  created_at: number;
  password_changed_at: number;
}

const toAccount = (row: UserRow): Account => ({
  id: row.id,
  username: row.username,
  role: row.role as RoleId,
  mustChangePassword: row.must_change_password === 1,
  createdAt: row.created_at,
  passwordChangedAt: row.password_changed_at,
});

export class SqliteAccountStore implements AccountStore {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #sql;

  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#clock = clock;
    this.#sql = {
      count: db.prepare('SELECT count(*) FROM app_user').pluck(),
      list: db.prepare('SELECT * FROM app_user ORDER BY username'),
      byUsername: db.prepare('SELECT * FROM app_user WHERE username = ?'),
      byId: db.prepare('SELECT * FROM app_user WHERE id = ?'),
      insert: db.prepare(`INSERT INTO app_user (username, role, password_hash, must_change_password, created_at, password_changed_at)
        VALUES (@username, @role, @passwordHash, @mustChange, @now, @now) RETURNING *`),
      setPassword: db.prepare('UPDATE app_user SET password_hash = ?, must_change_password = ?, password_changed_at = ? WHERE id = ?'),
      setRole: db.prepare('UPDATE app_user SET role = ? WHERE id = ?'),
    };
  }

  count(): number {
    return this.#sql.count.get() as number;
  }

  list(): Account[] {
    return (this.#sql.list.all() as UserRow[]).map(toAccount);
  }

  byUsername(username: string): (Account & { passwordHash: string }) | undefined {
    const row = this.#sql.byUsername.get(username) as UserRow | undefined;
    return row && { ...toAccount(row), passwordHash: row.password_hash };
  }

  byId(id: number): Account | undefined {
    const row = this.#sql.byId.get(id) as UserRow | undefined;
    return row && toAccount(row);
  }

  create({ username, role, passwordHash, mustChangePassword }: { username: string; role: RoleId; passwordHash: string; mustChangePassword: boolean }): Account {
    const row = this.#sql.insert.get({ username, role, passwordHash, mustChange: mustChangePassword ? 1 : 0, now: this.#clock.now() }) as UserRow;
    return toAccount(row);
  }

  setPassword(id: number, passwordHash: string, mustChangePassword: boolean): void {
    this.#sql.setPassword.run(passwordHash, mustChangePassword ? 1 : 0, this.#clock.now(), id);
  }

  setRole(id: number, role: RoleId): void {
    this.#sql.setRole.run(role, id);
  }
}
