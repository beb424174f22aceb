/**
 * The tooling assets on the cloud's SQLite file: put (create or change, BOM rules checked in the
 * transaction), get, the tree with life figures, replacing a worn asset with a spare, and what
 * the counter feed needs (the assets in a mold at a given time, adding shots). Every change of
 * parent closes the old placement and opens a new one, so shots counted late go to the assets
 * that were in the mold when the shot was made.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { checkAssetInput, type AssetLookup, type AssetRecord } from './asset-validation.ts';
import { invalid, ToolingError } from './tooling-errors.ts';
import type { LifeState, ReplaceInput, ToolingAsset, ToolingAssetInput, ToolingAssetNode } from './tooling-types.ts';

interface AssetRow {
  id: string; kind: AssetRecord['kind']; serial: string; name: string; parent: string | null; position: string | null; part_number: string | null;
  status: AssetRecord['status']; location: string | null; heat_treatment_json: string | null; cte_um_per_mk: number | null;
  life_shots: number | null; warn_at_shots: number | null; shots: number; updated_at: number;
}
interface CertificateRow { asset_id: string; number: string; material_grade: string; supplier: string; issued: string }

export function lifeStateOf(a: Pick<AssetRecord, 'shots' | 'lifeShots' | 'warnAtShots'>): LifeState {
  if (a.lifeShots === null) return 'ok';
  if (a.shots >= a.lifeShots) return 'over_life';
  return a.warnAtShots !== null && a.shots >= a.warnAtShots ? 'warning' : 'ok';
}

const kindOrder = { mold: 0, sub_mold: 1, insert: 2 } as const;

export class ToolingAssets {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #sql;

  /** `db` must have the cloud migrations applied (migration 014). */
  constructor(db: SqliteDatabase, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#sql = {
      row: db.prepare('SELECT * FROM tooling_asset WHERE id = ?'),
      all: db.prepare('SELECT * FROM tooling_asset ORDER BY id'),
      serialOwner: db.prepare('SELECT id FROM tooling_asset WHERE serial = ?').pluck(),
      certificates: db.prepare('SELECT * FROM tooling_certificate WHERE asset_id = ? ORDER BY number'),
      allCertificates: db.prepare('SELECT * FROM tooling_certificate ORDER BY asset_id, number'),
      certificateAttachments: db.prepare('SELECT asset_id, certificate, id FROM tooling_attachment WHERE certificate IS NOT NULL ORDER BY id'),
      openMounts: db.prepare('SELECT mold, machine FROM tooling_mount WHERE to_at IS NULL'),
      insert: db.prepare(`INSERT INTO tooling_asset (id, kind, serial, name, parent, position, part_number, status, location, heat_treatment_json, cte_um_per_mk,
          life_shots, warn_at_shots, shots, created_at, updated_at, actor)
        VALUES (@id, @kind, @serial, @name, @parent, @position, @partNumber, @status, @location, @heat, @cte, @lifeShots, @warnAtShots, @shots, @now, @now, @actor)`),
      update: db.prepare(`UPDATE tooling_asset SET serial = @serial, name = @name, parent = @parent, position = @position, part_number = @partNumber,
          status = @status, location = @location, heat_treatment_json = @heat, cte_um_per_mk = @cte, life_shots = @lifeShots,
          warn_at_shots = @warnAtShots, updated_at = @now, actor = @actor WHERE id = @id`),
      deleteCertificates: db.prepare('DELETE FROM tooling_certificate WHERE asset_id = ? AND number NOT IN (SELECT value FROM json_each(?))'),
      upsertCertificate: db.prepare(`INSERT INTO tooling_certificate (asset_id, number, material_grade, supplier, issued) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (asset_id, number) DO UPDATE SET material_grade = excluded.material_grade, supplier = excluded.supplier, issued = excluded.issued`),
      certificateInUse: db.prepare('SELECT count(*) FROM tooling_attachment WHERE asset_id = ? AND certificate = ?').pluck(),
      openPlacement: db.prepare('SELECT from_at FROM tooling_placement WHERE asset_id = ? AND to_at IS NULL').pluck(),
      closePlacement: db.prepare('UPDATE tooling_placement SET to_at = ? WHERE asset_id = ? AND to_at IS NULL'),
      addPlacement: db.prepare('INSERT INTO tooling_placement (asset_id, parent, from_at) VALUES (?, ?, ?)'),
      treeAt: db.prepare(`WITH RECURSIVE tree(id) AS (
          SELECT @mold
          UNION
          SELECT p.asset_id FROM tooling_placement p JOIN tree ON p.parent = tree.id
          WHERE p.from_at <= @ts AND (p.to_at IS NULL OR p.to_at > @ts))
        SELECT id FROM tree`).pluck(),
      addShots: db.prepare('UPDATE tooling_asset SET shots = shots + ? WHERE id = ?'),
    };
  }

  #record(row: AssetRow, certificates: CertificateRow[]): AssetRecord {
    return {
      id: row.id, kind: row.kind, serial: row.serial, name: row.name, parent: row.parent, position: row.position, partNumber: row.part_number,
      status: row.status, location: row.location, heatTreatment: row.heat_treatment_json === null ? null : JSON.parse(row.heat_treatment_json),
      cteUmPerMK: row.cte_um_per_mk, lifeShots: row.life_shots, warnAtShots: row.warn_at_shots, shots: row.shots,
      certificates: certificates.map((c) => ({ number: c.number, materialGrade: c.material_grade, supplier: c.supplier, issued: c.issued })),
    };
  }

  /** The stored asset without derived figures; undefined when unknown. */
  record(id: string): AssetRecord | undefined {
    const row = this.#sql.row.get(id) as AssetRow | undefined;
    return row && this.#record(row, this.#sql.certificates.all(id) as CertificateRow[]);
  }

  /** Every asset with its derived figures (life %, mother mold, machine), by id. */
  all(): Map<string, ToolingAsset> {
    const rows = this.#sql.all.all() as AssetRow[];
    const certs = new Map<string, CertificateRow[]>();
    for (const c of this.#sql.allCertificates.all() as CertificateRow[]) certs.set(c.asset_id, [...(certs.get(c.asset_id) ?? []), c]);
    const files = new Map<string, number[]>();
    for (const f of this.#sql.certificateAttachments.all() as Array<{ asset_id: string; certificate: string; id: number }>) {
      const key = `${f.asset_id}\u0000${f.certificate}`;
      files.set(key, [...(files.get(key) ?? []), f.id]);
    }
    const machineOf = new Map((this.#sql.openMounts.all() as Array<{ mold: string; machine: string }>).map((m) => [m.mold, m.machine]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const rootOf = (row: AssetRow): AssetRow => {
      let node = row;
      for (let guard = 0; node.parent !== null && guard < 1000; guard++) node = byId.get(node.parent) ?? node;
      return node;
    };
    const assets = new Map<string, ToolingAsset>();
    for (const row of rows) {
      const record = this.#record(row, certs.get(row.id) ?? []);
      const root = rootOf(row);
      const motherMold = root.kind === 'mold' ? root.id : null;
      assets.set(row.id, {
        ...record,
        certificates: record.certificates.map((c) => ({ ...c, attachmentIds: files.get(`${row.id}\u0000${c.number}`) ?? [] })),
        lifePct: record.lifeShots === null ? null : Math.round((100 * record.shots) / record.lifeShots),
        lifeState: lifeStateOf(record),
        motherMold,
        machine: motherMold === null ? null : machineOf.get(motherMold) ?? null,
        updatedAt: row.updated_at,
      });
    }
    return assets;
  }

  get(id: string): ToolingAsset | undefined {
    // The whole table is small (a plant has hundreds to thousands of tools) and the mother mold
    // and machine need the chain of parents anyway.
    return this.all().get(id);
  }

  /** Roots (molds, then assets outside any mold) with their children nested, each level by kind then id. */
  tree(): ToolingAssetNode[] {
    const nodes = new Map<string, ToolingAssetNode>();
    for (const [id, asset] of this.all()) nodes.set(id, { ...asset, children: [] });
    const roots: ToolingAssetNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parent === null ? undefined : nodes.get(node.parent);
      (parent ? parent.children : roots).push(node);
    }
    const order = (list: ToolingAssetNode[]) => {
      list.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.id.localeCompare(b.id));
      for (const n of list) order(n.children);
    };
    order(roots);
    return roots;
  }

  #lookup(): AssetLookup {
    return {
      asset: (id) => this.record(id),
      ancestorsOf: (id) => {
        const chain: string[] = [];
        let parent = (this.#sql.row.get(id) as AssetRow | undefined)?.parent ?? null;
        while (parent !== null && !chain.includes(parent)) {
          chain.push(parent);
          parent = (this.#sql.row.get(parent) as AssetRow | undefined)?.parent ?? null;
        }
        return chain;
      },
      serialOwner: (serial) => this.#sql.serialOwner.get(serial) as string | undefined,
    };
  }

  /** Create or change an asset; fields left out keep their value. Returns it with its figures. */
  put(input: ToolingAssetInput, actor: string): ToolingAsset {
    this.#db.transaction(() => {
      const existing = this.record(input.id);
      const next = checkAssetInput(input, existing, this.#lookup());
      for (const gone of existing?.certificates.filter((c) => !next.certificates.some((n) => n.number === c.number)) ?? []) {
        if ((this.#sql.certificateInUse.get(input.id, gone.number) as number) > 0) {
          throw new ToolingError('CONFLICT', 'certificates', `certificates: ${gone.number} has attachments; keep it in the list`);
        }
      }
      const now = this.#now();
      const params = {
        id: next.id, kind: next.kind, serial: next.serial, name: next.name, parent: next.parent, position: next.position, partNumber: next.partNumber,
        status: next.status, location: next.location, heat: next.heatTreatment === null ? null : JSON.stringify(next.heatTreatment), cte: next.cteUmPerMK,
        lifeShots: next.lifeShots, warnAtShots: next.warnAtShots, shots: next.shots, now, actor,
      };
      if (existing) this.#sql.update.run(params);
      else this.#sql.insert.run(params);
      if ((existing?.parent ?? null) !== next.parent) this.#movePlacement(next.id, next.parent, now, 'parent');
      this.#sql.deleteCertificates.run(next.id, JSON.stringify(next.certificates.map((c) => c.number)));
      for (const c of next.certificates) this.#sql.upsertCertificate.run(next.id, c.number, c.materialGrade, c.supplier, c.issued);
    }).immediate();
    return this.get(input.id)!;
  }

  /** Closes the asset's open placement at `at` and opens one in `parent` (none for null). */
  #movePlacement(id: string, parent: string | null, at: number, field: string): void {
    const from = this.#sql.openPlacement.get(id) as number | undefined;
    if (from !== undefined && at < from) throw invalid(field, `${id} was placed at ${new Date(from).toISOString()}; a change cannot be dated before that`);
    this.#sql.closePlacement.run(at, id);
    if (parent !== null) this.#sql.addPlacement.run(id, parent, at);
  }

  /**
   * The spare `input.with` takes the place (parent, position) of the in-service asset `id`, which
   * leaves the mold with `retiredStatus`; one transaction.
   */
  replace(id: string, input: ReplaceInput, actor: string): { removed: ToolingAsset; installed: ToolingAsset } {
    this.#db.transaction(() => {
      const worn = this.record(id);
      if (!worn) throw new ToolingError('UNKNOWN_ASSET', 'id', `id: no asset ${JSON.stringify(id)}; GET /api/tooling/assets lists them`);
      const spare = this.record(input.with);
      if (!spare) throw invalid('with', `no asset ${JSON.stringify(input.with)}; name a spare (GET /api/tooling/assets/${id}/recommendation lists the fitting ones)`);
      if (worn.parent === null) throw invalid('id', `${id} sits in no mold, so there is nothing to replace; put the spare into the mold with PUT instead`);
      if (spare.id === worn.id) throw invalid('with', `${id} cannot replace itself; name a spare`);
      if (spare.status !== 'spare' || spare.parent !== null) throw invalid('with', `${spare.id} is ${spare.status}${spare.parent ? ` in ${spare.parent}` : ''}, not a spare; name a spare`);
      if (spare.kind !== worn.kind) throw invalid('with', `${spare.id} is a ${spare.kind}, ${id} a ${worn.kind}; name a spare of the same kind`);
      if (worn.partNumber !== null && spare.partNumber !== worn.partNumber) {
        throw invalid('with', `${spare.id} has part number ${spare.partNumber ?? 'none'}, ${id} needs ${worn.partNumber}; name a spare of the same part`);
      }
      const retiredStatus = input.retiredStatus ?? 'maintenance';
      const at = input.at ?? this.#now();
      const location = input.location === undefined ? spare.location : input.location;
      this.#movePlacement(worn.id, null, at, 'at');
      this.#movePlacement(spare.id, worn.parent, at, 'at');
      const set = this.#db.prepare('UPDATE tooling_asset SET parent = ?, position = ?, status = ?, location = ?, updated_at = ?, actor = ? WHERE id = ?');
      const now = this.#now();
      set.run(null, worn.position, retiredStatus, location, now, actor, worn.id);
      set.run(worn.parent, worn.position, 'in_service', null, now, actor, spare.id);
    }).immediate();
    return { removed: this.get(id)!, installed: this.get(input.with)! };
  }

  /** The mold and every asset that sat in it (at any depth) at `ts`. */
  treeAt(mold: string, ts: number): string[] {
    return this.#sql.treeAt.all({ mold, ts }) as string[];
  }

  /** Adds shots; the caller holds the transaction (the feed moves its cursor in the same one). */
  addShots(increments: ReadonlyMap<string, number>): void {
    for (const [id, shots] of increments) if (shots > 0) this.#sql.addShots.run(shots, id);
  }
}
