/**
 * Rule states (counters, timer starts, edge memories, streak days: rules/compiled-rule.ts
 * RuleState) on SQLite in the gateway's data dir, so a restarted gateway resumes a 5-minute timer
 * or a shot count where it was. better-sqlite3, WAL, synchronous=FULL like the outbox: a state
 * saved after its effects were reported must not come back older after a power cut, or the rule
 * would fire again with a new firing count.
 *
 * Saves are staged and written by flush() in one transaction: the rules host flushes once per
 * batch of values (one read result), after the batch's effects were emitted as events. So a crash
 * loses at most the states of the batch in hand, whose events then come again with the same ids
 * (the cloud stores each once), and never records a state whose effects were not reported.
 */
import Database from 'better-sqlite3';
import type { RuleState } from '../../rules/compiled-rule.ts';
import type { RuleStateStore } from '../../rules/runtime/rule-state-store.ts';

export interface SqliteRuleStateStoreOptions {
  /** File path (e.g. `<dataDir>/rule-states.sqlite`), or ':memory:' for tests that need no durability. */
  path: string;
  clock: { now(): number };
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS rule_state (
    rule_key TEXT PRIMARY KEY,
    state_json TEXT NOT NULL,
    saved_at INTEGER NOT NULL
  );
`;

export class SqliteRuleStateStore implements RuleStateStore {
  readonly #db: Database.Database;
  readonly #clock: { now(): number };
  readonly #select: Database.Statement<[string], { state_json: string }>;
  readonly #flushTx: (entries: Array<[string, string]>) => void;
  /** Saved since the last flush: rule key -> state as JSON (a copy: the engine keeps mutating its object). */
  readonly #staged = new Map<string, string>();
  #closed = false;

  constructor(options: SqliteRuleStateStoreOptions) {
    this.#clock = options.clock;
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(SCHEMA);
    this.#select = this.#db.prepare('SELECT state_json FROM rule_state WHERE rule_key = ?');
    const upsert = this.#db.prepare<[string, string, number]>(
      'INSERT INTO rule_state (rule_key, state_json, saved_at) VALUES (?, ?, ?) ON CONFLICT (rule_key) DO UPDATE SET state_json = excluded.state_json, saved_at = excluded.saved_at',
    );
    this.#flushTx = this.#db.transaction((entries: Array<[string, string]>) => {
      const now = this.#clock.now();
      for (const [key, json] of entries) upsert.run(key, json, now);
    });
  }

  /** The newest state of a rule: staged, else stored, else undefined (never seen). */
  load(ruleKey: string): RuleState | undefined {
    const json = this.#staged.get(ruleKey) ?? this.#select.get(ruleKey)?.state_json;
    return json === undefined ? undefined : (JSON.parse(json) as RuleState);
  }

  /** Stages a state; it is written by the next flush(). */
  save(ruleKey: string, state: RuleState): void {
    this.#staged.set(ruleKey, JSON.stringify(state));
  }

  saveMany(entries: ReadonlyArray<{ ruleKey: string; state: RuleState }>): void {
    for (const { ruleKey, state } of entries) this.save(ruleKey, state);
  }

  /** States saved since the last flush. */
  get pending(): number {
    return this.#staged.size;
  }

  /** Writes every staged state in one committed transaction; on error they stay staged for the next flush. */
  flush(): number {
    if (this.#staged.size === 0) return 0;
    const entries = [...this.#staged];
    this.#flushTx(entries);
    // Only what was written: a save() during the transaction cannot happen (synchronous), but be exact.
    for (const [key, json] of entries) if (this.#staged.get(key) === json) this.#staged.delete(key);
    return entries.length;
  }

  /** Flushes what is staged and closes the file; idempotent. */
  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
    } finally {
      this.#closed = true;
      this.#db.close();
    }
  }
}
