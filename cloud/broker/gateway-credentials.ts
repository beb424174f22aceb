/**
 * Gateways' broker credentials in the cloud store (migration 005), so one can be rotated while the
 * embedded broker runs. Seeded from the cloud config at start; only scrypt hashes are stored; a
 * rotated password is returned once and never kept.
 *
 * A restart keeps a rotated password as long as the config still gives the password it was
 * seeded with; when an operator changes the config's password, the config wins again.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import type { BrokerAccount, CredentialVerifier } from './broker-account.ts';
import type { GatewayIdentity } from './gateway-acl.ts';
import { hashPassword, verifyPassword, type ScryptParameters } from '../auth/password-hash.ts';

/**
 * Cheaper than the accounts' setting: N=2^14, r=8, p=1 (16 MiB, about 50 ms here), because every
 * gateway reconnecting after a broker restart pays one hash, and a rotated credential is 192
 * random bits; the cost guards the config-given passwords that people choose.
 */
export const GATEWAY_SCRYPT_COST: Readonly<ScryptParameters> = { N: 2 ** 14, r: 8, p: 1 };

export interface GatewaySeed extends GatewayIdentity {
  username: string;
  password: string;
}

export interface GatewayCredentialRecord extends GatewayIdentity {
  username: string;
  updatedAt: number;
  /** When the password was last rotated; null while it is the config's. */
  rotatedAt: number | null;
}

export interface SeedReport {
  added: string[];
  /** Rows whose stored password (rotated or not) stays: the config gives what it gave before. */
  kept: string[];
  /** Rows whose password was replaced because the config's password changed. */
  replacedFromConfig: string[];
  /** Rows for gateways no longer in the config; they can no longer log in. */
  removed: string[];
}

export interface GatewayCredentialStore extends CredentialVerifier {
  /** Makes the stored gateways match the config (see SeedReport). */
  seed(gateways: readonly GatewaySeed[]): Promise<SeedReport>;
  /** A new random password for this gateway, stored hashed; throws UnknownGatewayError. */
  rotate(username: string): Promise<string>;
  list(): GatewayCredentialRecord[];
  close(): void;
}

export class UnknownGatewayError extends Error {
  constructor(readonly username: string) {
    super(`No gateway logs in as "${username}"; gateways are the broker.users of the cloud config`);
    this.name = 'UnknownGatewayError';
  }
}

interface Row {
  username: string;
  grp: string;
  edge: string;
  password_hash: string;
  seed_hash: string;
  updated_at: number;
  rotated_at: number | null;
}

const ROTATED_PASSWORD_BYTES = 24; // 192 bits, 32 base64url characters

export class SqliteGatewayCredentials implements GatewayCredentialStore {
  readonly #db: SqliteDatabase;
  readonly #ownsDb: boolean;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #cost: ScryptParameters;
  readonly #byName;
  /** Verified against for unknown usernames, so they cost as much time as known ones. */
  #decoy: Promise<string> | undefined;

  constructor(db: SqliteDatabase, options: { clock?: Pick<Clock, 'now'>; cost?: ScryptParameters; ownsDb?: boolean } = {}) {
    this.#db = db;
    this.#ownsDb = options.ownsDb ?? false;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#cost = options.cost ?? GATEWAY_SCRYPT_COST;
    migrate(db);
    this.#byName = db.prepare<[string], Row>('SELECT * FROM gateway_credential WHERE username = ?');
  }

  async verify(username: string | undefined, password: Buffer | undefined): Promise<BrokerAccount | undefined> {
    if (username === undefined || password === undefined) return undefined;
    const secret = password.toString('utf8'); // MQTT CONNECT carries the password as bytes
    const row = this.#byName.get(username);
    if (!row) {
      this.#decoy ??= hashPassword(randomBytes(16).toString('base64url'), this.#cost);
      await verifyPassword(secret, await this.#decoy);
      return undefined;
    }
    if (!(await verifyPassword(secret, row.password_hash))) return undefined;
    // A rotation that committed while scrypt ran wins: the old password must not get in after it.
    const now = this.#byName.get(username);
    if (!now || now.password_hash !== row.password_hash) return undefined;
    return { role: 'gateway', username: now.username, group: now.grp, edge: now.edge };
  }

  async seed(gateways: readonly GatewaySeed[]): Promise<SeedReport> {
    const report: SeedReport = { added: [], kept: [], replacedFromConfig: [], removed: [] };
    // Hash outside the transaction (scrypt is async), then apply everything in one.
    const plans = await Promise.all(gateways.map(async (gateway) => {
      const row = this.#byName.get(gateway.username);
      const unchanged = row !== undefined && await verifyPassword(gateway.password, row.seed_hash);
      return { gateway, row, newHash: unchanged ? undefined : await hashPassword(gateway.password, this.#cost) };
    }));
    const now = this.#clock.now();
    const configured = new Set(gateways.map((gateway) => gateway.username));
    const insert = this.#db.prepare(`INSERT INTO gateway_credential (username, grp, edge, password_hash, seed_hash, updated_at, rotated_at)
      VALUES (?, ?, ?, ?, ?, ?, NULL)
      ON CONFLICT (username) DO UPDATE SET grp = excluded.grp, edge = excluded.edge, password_hash = excluded.password_hash,
        seed_hash = excluded.seed_hash, updated_at = excluded.updated_at, rotated_at = NULL`);
    const identity = this.#db.prepare('UPDATE gateway_credential SET grp = ?, edge = ? WHERE username = ? AND (grp <> ? OR edge <> ?)');
    const remove = this.#db.prepare('DELETE FROM gateway_credential WHERE username = ?');
    this.#db.transaction(() => {
      for (const { username } of this.#db.prepare<[], { username: string }>('SELECT username FROM gateway_credential').all()) {
        if (configured.has(username)) continue;
        remove.run(username);
        report.removed.push(username);
      }
      for (const { gateway, row, newHash } of plans) {
        if (newHash === undefined) {
          identity.run(gateway.group, gateway.edge, gateway.username, gateway.group, gateway.edge);
          report.kept.push(gateway.username);
        } else {
          insert.run(gateway.username, gateway.group, gateway.edge, newHash, newHash, now);
          (row ? report.replacedFromConfig : report.added).push(gateway.username);
        }
      }
    }).immediate();
    return report;
  }

  async rotate(username: string): Promise<string> {
    if (!this.#byName.get(username)) throw new UnknownGatewayError(username);
    const password = randomBytes(ROTATED_PASSWORD_BYTES).toString('base64url');
    const hash = await hashPassword(password, this.#cost);
    const now = this.#clock.now();
    const changed = this.#db.prepare('UPDATE gateway_credential SET password_hash = ?, updated_at = ?, rotated_at = ? WHERE username = ?')
      .run(hash, now, now, username).changes;
    if (changed === 0) throw new UnknownGatewayError(username); // removed while hashing
    return password;
  }

  list(): GatewayCredentialRecord[] {
    return this.#db.prepare<[], Row>('SELECT * FROM gateway_credential ORDER BY grp, edge, username').all()
      .map((row) => ({ username: row.username, group: row.grp, edge: row.edge, updatedAt: row.updated_at, rotatedAt: row.rotated_at }));
  }

  close(): void {
    if (this.#ownsDb && this.#db.open) this.#db.close();
  }
}

/** Opens the store on the cloud's SQLite file with its own connection (WAL shares the file). */
export function openGatewayCredentials(file: string, options: { clock?: Pick<Clock, 'now'>; cost?: ScryptParameters } = {}): SqliteGatewayCredentials {
  const db = openDatabase(file);
  try {
    return new SqliteGatewayCredentials(db, { ...options, ownsDb: true });
  } catch (error) {
    db.close();
    throw error;
  }
}

export interface CredentialRotatedEvent extends GatewayIdentity {
  username: string;
  at: number;
  /** Sessions of this gateway the broker dropped; each must log in again with the new password. */
  disconnectedSessions: number;
}

export interface RotationDeps {
  credentials: GatewayCredentialStore;
  /** The running broker; omitted when the broker is external (then only the store changes). */
  broker?: { disconnectUser(username: string): number };
  /** Told after each rotation, e.g. to write the audit log. Never given the password. */
  onRotated?: (event: CredentialRotatedEvent) => void;
  logger?: Pick<Logger, 'info' | 'warn'>;
  clock?: Pick<Clock, 'now'>;
}

/**
 * Gives the gateway a new random password, effective for its next login, and drops its current
 * sessions so it must log in again (its Will, NDEATH, is published as for any lost session).
 * Returns the password: show it once, it is not stored anywhere in clear.
 */
export async function rotateGatewayCredential(deps: RotationDeps, username: string): Promise<string> {
  const password = await deps.credentials.rotate(username);
  const disconnectedSessions = deps.broker?.disconnectUser(username) ?? 0;
  const record = deps.credentials.list().find((gateway) => gateway.username === username);
  const event: CredentialRotatedEvent = {
    username, group: record?.group ?? '', edge: record?.edge ?? '', at: (deps.clock ?? { now: () => Date.now() }).now(), disconnectedSessions,
  };
  deps.logger?.info({ username, group: event.group, edge: event.edge, disconnectedSessions }, 'gateway credential rotated');
  try {
    deps.onRotated?.(event);
  } catch (error) {
    deps.logger?.warn({ err: error, username }, 'credential rotation hook failed; the new password is in effect');
  }
  return password;
}
