/**
 * Which commands this gateway has processed, with the acknowledgement it gave each: a command id
 * found here is answered again from here and not run again, across restarts and kill -9
 * (docs/edge-events.md, "Idempotency"). SQLite (better-sqlite3) in the gateway's data dir, WAL,
 * synchronous=FULL: the row is on disk before the acknowledgement is queued, so an answer the
 * cloud may have seen is never forgotten by a power cut either.
 *
 * Bounded: the newest `maxEntries` ids (default 5000) no older than `maxAgeMs` (default 7 days).
 * The cloud re-sends a command within seconds or minutes of its first try, so both bounds leave a
 * wide margin; an id older than that would be run again.
 *
 * The window it does not close: the device write and the ledger commit are not one transaction.
 * A crash after the device took a write but before the commit leaves no trace here, and the same
 * command sent again runs again. Writes of absolute values (set point = 6.5) are harmless to
 * repeat; that is why tag.write takes values, never increments.
 */
import Database from 'better-sqlite3';
import type { Clock } from '../../connectors/clock.ts';
import type { EdgeAck } from '../../connectors/edge-link/index.ts';

export interface CommandLedger {
  /** The acknowledgement given for this command id, when it is still remembered. */
  answerOf(id: string): EdgeAck | undefined;
  /** Records a processed command's acknowledgement, committed when this returns; an id recorded already keeps its first answer. */
  record(ack: EdgeAck): void;
  stats(): CommandLedgerStats;
  /** Idempotent. */
  close(): void;
}

export interface CommandLedgerStats {
  entries: number;
  /** Entries removed by the bounds since this instance was opened. */
  pruned: number;
}

export interface SqliteCommandLedgerOptions {
  /** File path (e.g. `<dataDir>/commands.sqlite`), or ':memory:' for tests that need no durability. */
  path: string;
  clock: Pick<Clock, 'now'>;
  maxEntries?: number;
  maxAgeMs?: number;
}

export const DEFAULT_LEDGER_ENTRIES = 5000;
export const DEFAULT_LEDGER_AGE_MS = 7 * 24 * 3600 * 1000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS command (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, -- processing order: the count bound removes the lowest
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    ack_json TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
  );
`;

export class SqliteCommandLedger implements CommandLedger {
  readonly #db: Database.Database;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #statements: ReturnType<typeof prepareStatements>;
  readonly #recordTx: (ack: EdgeAck) => number;
  #pruned = 0;

  constructor(options: SqliteCommandLedgerOptions) {
    this.#clock = options.clock;
    this.#maxEntries = options.maxEntries ?? DEFAULT_LEDGER_ENTRIES;
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_LEDGER_AGE_MS;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) throw new RangeError(`maxEntries must be a whole number >= 1, got ${options.maxEntries}`);
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(SCHEMA);
    const s = this.#statements = prepareStatements(this.#db);
    this.#recordTx = this.#db.transaction((ack: EdgeAck) => {
      const now = this.#clock.now();
      s.insert.run(ack.id, ack.type, JSON.stringify(ack), now);
      return this.#prune(now);
    });
    this.#pruned += this.#prune(this.#clock.now());
  }

  answerOf(id: string): EdgeAck | undefined {
    const row = this.#statements.get.get(id) as { ack_json: string } | undefined;
    return row ? (JSON.parse(row.ack_json) as EdgeAck) : undefined;
  }

  record(ack: EdgeAck): void {
    this.#pruned += this.#recordTx(ack);
  }

  stats(): CommandLedgerStats {
    return { entries: (this.#statements.count.get() as { n: number }).n, pruned: this.#pruned };
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #prune(now: number): number {
    return this.#statements.pruneOld.run(now - this.#maxAgeMs).changes + this.#statements.pruneBeyond.run(this.#maxEntries).changes;
  }
}

function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare('SELECT ack_json FROM command WHERE id = ?'),
    insert: db.prepare('INSERT INTO command (id, type, ack_json, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING'),
    pruneOld: db.prepare('DELETE FROM command WHERE recorded_at < ?'),
    pruneBeyond: db.prepare('DELETE FROM command WHERE seq <= (SELECT MAX(seq) FROM command) - ?'),
    count: db.prepare('SELECT COUNT(*) AS n FROM command'),
  };
}

/** Opens (creating if needed) the ledger file; the directory must exist. */
export function openCommandLedger(options: SqliteCommandLedgerOptions): SqliteCommandLedger {
  return new SqliteCommandLedger(options);
}
