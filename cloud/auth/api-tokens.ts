/**
 * API tokens for scripts and machines: `Authorization: Bearer es_<id>_<secret>`. A token is
 * scoped to a list of permissions chosen at creation (a subset of its owner's); what it may do
 * is that list intersected with what its owner's role holds now, so demoting the owner narrows
 * the token too. The secret is shown once, at creation; the table keeps its SHA-256. Revocation
 * is immediate and kept (revoked_at), so the token list shows what existed.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import type { PermissionId } from './permissions.ts';
import { digest, randomSecret, sameSecret } from './secret-digest.ts';

export interface ApiToken {
  id: string;
  userId: number;
  name: string;
  permissions: PermissionId[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface ApiTokenStore {
  /** Creates a token; `token` is the only time the full secret exists outside the caller. */
  create(input: { userId: number; name: string; permissions: PermissionId[] }): { token: string; record: ApiToken };
  /** The live token for a bearer string, or undefined when malformed, unknown, wrong or revoked. */
  authenticate(bearer: string): ApiToken | undefined;
  list(userId?: number): ApiToken[];
  get(id: string): ApiToken | undefined;
  /** True when the token was live and is now revoked. */
  revoke(id: string): boolean;
}

const TOKEN_FORMAT = /^es_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is for people reading the list; once a minute is precise enough. */
const TOUCH_EVERY_MS = 60_000;

interface TokenRow {
  id: string;
  user_id: number;
  name: string;
  secret_hash: string;
  permissions: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toToken = (row: TokenRow): ApiToken => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  permissions: JSON.parse(row.permissions) as PermissionId[],
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export class SqliteApiTokenStore implements ApiTokenStore {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #sql;

  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#clock = clock;
    this.#sql = {
      insert: db.prepare(`INSERT INTO api_token (id, user_id, name, secret_hash, permissions, created_at)
        VALUES (?, ?, ?, ?, ?, ?) RETURNING *`),
      get: db.prepare('SELECT * FROM api_token WHERE id = ?'),
      list: db.prepare('SELECT * FROM api_token WHERE (@userId IS NULL OR user_id = @userId) ORDER BY created_at, id'),
      touch: db.prepare('UPDATE api_token SET last_used_at = ? WHERE id = ?'),
      revoke: db.prepare('UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    };
  }

  create({ userId, name, permissions }: { userId: number; name: string; permissions: PermissionId[] }): { token: string; record: ApiToken } {
    const id = randomBytes(8).toString('hex');
    const secret = randomSecret();
    const row = this.#sql.insert.get(id, userId, name, digest(secret), JSON.stringify([...new Set(permissions)]), this.#clock.now()) as TokenRow;
    return { token: `es_${id}_${secret}`, record: toToken(row) };
  }

  authenticate(bearer: string): ApiToken | undefined {
    const match = TOKEN_FORMAT.exec(bearer);
    if (!match) return undefined;
    const row = this.#sql.get.get(match[1]) as TokenRow | undefined;
    if (!row || row.revoked_at !== null || !sameSecret(digest(match[2]!), row.secret_hash)) return undefined;
    const now = this.#clock.now();
    if (row.last_used_at === null || now - row.last_used_at >= TOUCH_EVERY_MS) {
      this.#sql.touch.run(now, row.id);
      row.last_used_at = now;
    }
    return toToken(row);
  }

  list(userId?: number): ApiToken[] {
    return (this.#sql.list.all({ userId: userId ?? null }) as TokenRow[]).map(toToken);
  }

  get(id: string): ApiToken | undefined {
    const row = this.#sql.get.get(id) as TokenRow | undefined;
    return row && toToken(row);
  }

  revoke(id: string): boolean {
    return this.#sql.revoke.run(this.#clock.now(), id).changes === 1;
  }
}
