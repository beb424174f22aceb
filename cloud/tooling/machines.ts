/**
 * Molding machines and which mold is on which: each machine names the Sparkplug tags of its shot
 * counter and (optionally) its mold id; a mount is a stay of a mold on a machine, opened by the
 * API or by the feed when the mold-id tag names a known mold, closed by the next mount. The mold
 * on a machine at a given time is what the counter feed credits shots to. Mounts are never
 * rewritten: a new one may not start before the machine's or the mold's last one.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { invalid, ToolingError } from './tooling-errors.ts';
import type { Machine, MachineInput, Mount, MountSource, TagRef } from './tooling-types.ts';

interface MachineRow { id: string; name: string | null; counter_json: string | null; mold_tag_json: string | null; cycle_time_s: number | null }
interface MountRow { id: number; machine: string; mold: string; from_at: number; to_at: number | null; source: MountSource; actor: string }
export interface CounterCursor { counterTs: number | null; counterValue: number | null; moldTagTs: number | null }

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const mountOf = (r: MountRow): Mount => ({ id: r.id, machine: r.machine, mold: r.mold, from: r.from_at, to: r.to_at, source: r.source, actor: r.actor });
const sameTag = (a: TagRef | null, b: TagRef | null) => JSON.stringify(a) === JSON.stringify(b);

function checkTag(field: string, tag: TagRef | null | undefined): TagRef | null {
  if (tag === null || tag === undefined) return null;
  for (const key of ['group', 'edge', 'device', 'tag'] as const) {
    const value = tag[key];
    if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
      throw invalid(`${field}.${key}`, `${JSON.stringify(value)} is not a Sparkplug ${key}; send it as the gateway reports it (e.g. ${field}: { group: "demo-plant", edge: "gw-cold-room-1", device: "press-plc", tag: "IMM-01/shot-counter" })`);
    }
  }
  return { group: tag.group, edge: tag.edge, device: tag.device, tag: tag.tag };
}

export class Machines {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #sql;

  /** `db` must have the cloud migrations applied (migration 014). */
  constructor(db: SqliteDatabase, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#sql = {
      row: db.prepare('SELECT * FROM tooling_machine WHERE id = ?'),
      all: db.prepare('SELECT * FROM tooling_machine ORDER BY id'),
      insert: db.prepare(`INSERT INTO tooling_machine (id, name, counter_json, mold_tag_json, cycle_time_s, created_at, updated_at, actor)
        VALUES (@id, @name, @counter, @moldTag, @cycleTimeS, @now, @now, @actor)`),
      update: db.prepare(`UPDATE tooling_machine SET name = @name, counter_json = @counter, mold_tag_json = @moldTag, cycle_time_s = @cycleTimeS,
        updated_at = @now, actor = @actor WHERE id = @id`),
      openMount: db.prepare('SELECT * FROM tooling_mount WHERE machine = ? AND to_at IS NULL'),
      openMountOfMold: db.prepare('SELECT * FROM tooling_mount WHERE mold = ? AND to_at IS NULL'),
      lastMountFrom: db.prepare('SELECT max(from_at) FROM tooling_mount WHERE machine = ? OR mold = ?').pluck(),
      closeMount: db.prepare('UPDATE tooling_mount SET to_at = ? WHERE id = ?'),
      addMount: db.prepare('INSERT INTO tooling_mount (machine, mold, from_at, source, actor) VALUES (?, ?, ?, ?, ?)'),
      moldAt: db.prepare('SELECT mold FROM tooling_mount WHERE machine = ? AND from_at <= @ts AND (to_at IS NULL OR to_at > @ts) ORDER BY from_at DESC LIMIT 1').pluck(),
      mounts: db.prepare('SELECT * FROM tooling_mount WHERE machine = ? ORDER BY from_at DESC, id DESC LIMIT ?'),
      moldKind: db.prepare('SELECT kind, status FROM tooling_asset WHERE id = ?'),
      cursor: db.prepare('SELECT counter_ts, counter_value, mold_tag_ts FROM tooling_counter_cursor WHERE machine = ?'),
      saveCursor: db.prepare(`INSERT INTO tooling_counter_cursor (machine, counter_ts, counter_value, mold_tag_ts) VALUES (@machine, @counterTs, @counterValue, @moldTagTs)
        ON CONFLICT (machine) DO UPDATE SET counter_ts = excluded.counter_ts, counter_value = excluded.counter_value, mold_tag_ts = excluded.mold_tag_ts`),
      resetCounterCursor: db.prepare('UPDATE tooling_counter_cursor SET counter_ts = NULL, counter_value = NULL WHERE machine = ?'),
      resetMoldCursor: db.prepare('UPDATE tooling_counter_cursor SET mold_tag_ts = NULL WHERE machine = ?'),
    };
  }

  #machine(row: MachineRow): Machine {
    const mount = this.#sql.openMount.get(row.id) as MountRow | undefined;
    const cursor = this.cursor(row.id);
    return {
      id: row.id, name: row.name,
      counter: row.counter_json === null ? null : JSON.parse(row.counter_json), moldIdTag: row.mold_tag_json === null ? null : JSON.parse(row.mold_tag_json),
      cycleTimeS: row.cycle_time_s, mold: mount?.mold ?? null, mountedAt: mount?.from_at ?? null,
      lastCounter: cursor.counterTs === null || cursor.counterValue === null ? null : { ts: cursor.counterTs, value: cursor.counterValue },
    };
  }

  get(id: string): Machine | undefined {
    const row = this.#sql.row.get(id) as MachineRow | undefined;
    return row && this.#machine(row);
  }

  list(): Machine[] {
    return (this.#sql.all.all() as MachineRow[]).map((row) => this.#machine(row));
  }

  /** Create or change a machine; a changed counter (or mold-id) tag starts its cursor over. */
  put(input: MachineInput, actor: string): Machine {
    if (!ID_PATTERN.test(input.id)) throw invalid('id', `${JSON.stringify(input.id)} is not a machine id; send 1 to 64 letters, digits, . _ / - (e.g. IMM-01)`);
    const counter = checkTag('counter', input.counter);
    const existing = this.get(input.id);
    const moldTag = checkTag('moldIdTag', input.moldIdTag === undefined ? existing?.moldIdTag : input.moldIdTag);
    const cycleTimeS = input.cycleTimeS === undefined ? existing?.cycleTimeS ?? null : input.cycleTimeS;
    if (cycleTimeS !== null && (!Number.isFinite(cycleTimeS) || cycleTimeS <= 0)) throw invalid('cycleTimeS', `${cycleTimeS} is not a cycle time; send seconds > 0, or null`);
    const name = input.name === undefined ? existing?.name ?? null : input.name;
    this.#db.transaction(() => {
      const params = { id: input.id, name, counter: counter && JSON.stringify(counter), moldTag: moldTag && JSON.stringify(moldTag), cycleTimeS, now: this.#now(), actor };
      if (existing) this.#sql.update.run(params);
      else this.#sql.insert.run(params);
      if (existing && !sameTag(existing.counter, counter)) this.#sql.resetCounterCursor.run(input.id);
      if (existing && !sameTag(existing.moldIdTag, moldTag)) this.#sql.resetMoldCursor.run(input.id);
    }).immediate();
    return this.get(input.id)!;
  }

  /**
   * Mounts `mold` on `machine` at `at` (null: unmounts whatever is there). The mold leaves the
   * machine it was on. Refused before the machine's or the mold's last mount: history is kept, not
   * rewritten. Mounting the mold already there changes nothing.
   */
  mount(machine: string, mold: string | null, at: number, source: MountSource, actor: string): Machine {
    this.#db.transaction(() => this.mountInTransaction(machine, mold, at, source, actor)).immediate();
    return this.get(machine)!;
  }

  /** As `mount`, inside the caller's transaction (the feed's). */
  mountInTransaction(machine: string, mold: string | null, at: number, source: MountSource, actor: string): void {
    if (!this.#sql.row.get(machine)) throw new ToolingError('UNKNOWN_MACHINE', 'machine', `machine: no machine ${JSON.stringify(machine)}; PUT /api/tooling/machines/${machine} first`);
    if (!Number.isSafeInteger(at)) throw invalid('at', `${at} is not a time; send epoch milliseconds`);
    if (mold !== null) {
      const asset = this.#sql.moldKind.get(mold) as { kind: string; status: string } | undefined;
      if (!asset) throw invalid('mold', `no asset ${JSON.stringify(mold)}; register the mold first (PUT /api/tooling/assets/${mold})`);
      if (asset.kind !== 'mold') throw invalid('mold', `${mold} is a ${asset.kind.replace('_', '-')}; only a mold is mounted on a machine`);
      if (asset.status === 'scrapped') throw invalid('mold', `${mold} is scrapped; mount a mold in use`);
    }
    const current = this.#sql.openMount.get(machine) as MountRow | undefined;
    if ((current?.mold ?? null) === mold) return;
    const last = this.#sql.lastMountFrom.get(machine, mold ?? '') as number | null;
    if (last !== null && at < last) {
      throw new ToolingError('CONFLICT', 'at', `at: ${new Date(at).toISOString()} is before the last mount on ${machine}${mold ? ` or of ${mold}` : ''} (${new Date(last).toISOString()}); mounts are history: send a later time`);
    }
    if (current) this.#sql.closeMount.run(at, current.id);
    if (mold !== null) {
      const elsewhere = this.#sql.openMountOfMold.get(mold) as MountRow | undefined;
      if (elsewhere) this.#sql.closeMount.run(at, elsewhere.id);
      this.#sql.addMount.run(machine, mold, at, source, actor);
    }
  }

  /** The mold on `machine` at `ts`; null when none. */
  moldAt(machine: string, ts: number): string | null {
    return (this.#sql.moldAt.get(machine, { ts }) as string | undefined) ?? null;
  }

  mounts(machine: string, limit = 100): Mount[] {
    if (!this.#sql.row.get(machine)) throw new ToolingError('UNKNOWN_MACHINE', 'id', `id: no machine ${JSON.stringify(machine)}`);
    return (this.#sql.mounts.all(machine, limit) as MountRow[]).map(mountOf);
  }

  cursor(machine: string): CounterCursor {
    const row = this.#sql.cursor.get(machine) as { counter_ts: number | null; counter_value: number | null; mold_tag_ts: number | null } | undefined;
    return { counterTs: row?.counter_ts ?? null, counterValue: row?.counter_value ?? null, moldTagTs: row?.mold_tag_ts ?? null };
  }

  /** Saves the feed's cursor; the caller holds the transaction. */
  saveCursor(machine: string, cursor: CounterCursor): void {
    this.#sql.saveCursor.run({ machine, ...cursor });
  }
}
