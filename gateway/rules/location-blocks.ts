/**
 * Which operations are blocked at which locations, by which rule and since when: what the
 * rules runtime set with a `block` effect (put-away at shelf B12 while it is out of 2-8 °C) and
 * what the scanner consults before it lets an operator put stock there. SQLite (better-sqlite3)
 * in the gateway's data dir, WAL, synchronous=FULL like the outbox: a block the gateway reported
 * (rule.action event) must still hold after a power cut, and the edge decides offline.
 *
 * One row per (operation, location, rule): two rules may block the same place for different
 * reasons, and the place is free again only when every one of them released it. Setting a block
 * that is already set keeps its first `since` (a crash between carrying out an effect and saving
 * the rule's state makes the effect run again; that must change nothing).
 */
import Database from 'better-sqlite3';

export interface LocationBlock {
  operation: string;
  location: string;
  /** The pack and rule that set it. */
  pack: string;
  rule: string;
  /** Milliseconds since the Unix epoch. */
  since: number;
}

export interface LocationBlockStore {
  /** Sets a block; returns false when the rule had it set already (nothing changed). */
  block(block: LocationBlock): boolean;
  /** Releases the rule's block; returns false when it had none. */
  release(operation: string, location: string, rule: string): boolean;
  /** The blocks on `operation` at `location` (empty: allowed). */
  blocksOn(operation: string, location: string): LocationBlock[];
  isBlocked(operation: string, location: string): boolean;
  /** Every block, oldest first. */
  list(): LocationBlock[];
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS location_block (
    operation TEXT NOT NULL,
    location TEXT NOT NULL,
    rule TEXT NOT NULL,
    pack TEXT NOT NULL,
    since INTEGER NOT NULL,
    PRIMARY KEY (operation, location, rule)
  );
`;

interface Row {
  operation: string;
  location: string;
  rule: string;
  pack: string;
  since: number;
}

export class SqliteLocationBlocks implements LocationBlockStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, string, string, string, number]>;
  readonly #delete: Database.Statement<[string, string, string]>;
  readonly #on: Database.Statement<[string, string], Row>;
  readonly #all: Database.Statement<[], Row>;
  #closed = false;

  /** `path`: a file (e.g. `<dataDir>/location-blocks.sqlite`), or ':memory:' for tests that need no durability. */
  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(SCHEMA);
    this.#insert = this.#db.prepare('INSERT OR IGNORE INTO location_block (operation, location, rule, pack, since) VALUES (?, ?, ?, ?, ?)');
    this.#delete = this.#db.prepare('DELETE FROM location_block WHERE operation = ? AND location = ? AND rule = ?');
    this.#on = this.#db.prepare('SELECT * FROM location_block WHERE operation = ? AND location = ? ORDER BY since, rule');
    this.#all = this.#db.prepare('SELECT * FROM location_block ORDER BY since, operation, location, rule');
  }

  block(block: LocationBlock): boolean {
    return this.#insert.run(block.operation, block.location, block.rule, block.pack, block.since).changes > 0;
  }

  release(operation: string, location: string, rule: string): boolean {
    return this.#delete.run(operation, location, rule).changes > 0;
  }

  blocksOn(operation: string, location: string): LocationBlock[] {
    return this.#on.all(operation, location).map(toBlock);
  }

  isBlocked(operation: string, location: string): boolean {
    return this.blocksOn(operation, location).length > 0;
  }

  list(): LocationBlock[] {
    return this.#all.all().map(toBlock);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

function toBlock(row: Row): LocationBlock {
  return { operation: row.operation, location: row.location, pack: row.pack, rule: row.rule, since: row.since };
}
