/**
 * What a PDA scans next, as a warehouse day goes: goods arrive at receiving and are put away
 * (chilled items on a cold-room shelf), orders are picked (mostly first-expiry-first-out, now and
 * then from a later lot, as people do), pallets are moved, shelves are counted. Labels come in
 * both forms a scanner sends: the bracketed human-readable line and the raw FNC1 string, with
 * (01)(17)(10) and sometimes (21) serial or (30) count.
 */
import { receivingLocation, shelvesFor, type Catalog, type CatalogItem, type CatalogLot } from './catalog.ts';
import { encodeElementString, type CodeForm, type LabelContent } from './gs1-encoder.ts';
import type { Random } from './seeded-random.ts';
import type { WarehouseStock } from './warehouse-stock.ts';

export type ScanOp = 'receive' | 'putaway' | 'pick' | 'move' | 'count';

/** One scan a PDA is about to make, before it gets its id and operator. */
export interface ScanTask {
  op: ScanOp;
  label: LabelContent;
  location?: string;
  qty?: number;
  override?: string;
  form: CodeForm;
  /** move: where the goods come from (the scan names where they go). */
  from?: string;
  /** putaway: shelves already refused for this load. */
  triedShelves?: readonly string[];
}

/** What an operator holds between receiving and putting away. */
export interface Load { gtin: string; batch: string; qty: number }

/** How often each operation starts when the PDA holds nothing (weights). */
export const opWeights: Readonly<Record<Exclude<ScanOp, 'putaway'>, number>> = { receive: 0.25, pick: 0.4, move: 0.1, count: 0.25 };
/** How often a picker takes a later lot than FEFO wants. */
export const offFefoPickShare = 0.25;
const rawFormShare = 0.5;
const serialShare = 0.1;
const countInCodeShare = 0.2;
const miscountShare = 0.1;

export class ScanPlanner {
  readonly #catalog: Catalog;
  readonly #stock: WarehouseStock;
  readonly #random: Random;
  readonly #items: Map<string, CatalogItem>;
  readonly #lots: Map<string, CatalogLot>;
  readonly #receiving: string | undefined;
  #serial = 0;

  constructor(catalog: Catalog, stock: WarehouseStock, random: Random) {
    this.#catalog = catalog;
    this.#stock = stock;
    this.#random = random;
    this.#items = new Map(catalog.items.map((i) => [i.gtin, i]));
    this.#lots = new Map(catalog.lots.map((l) => [`${l.gtin}/${l.batch}`, l]));
    this.#receiving = receivingLocation(catalog);
  }

  /** The next scan: the held load's put-away first, else an operation by opWeights. */
  next(load: Load | undefined): ScanTask {
    if (load) return this.putaway(load, []) ?? this.receive();
    const roll = this.#random.next();
    let op: keyof typeof opWeights = 'count';
    let sum = 0;
    for (const [name, weight] of Object.entries(opWeights) as Array<[keyof typeof opWeights, number]>) {
      sum += weight;
      if (roll < sum) { op = name; break; }
    }
    if (op === 'receive' || this.#stock.rows().length === 0) return this.receive();
    if (op === 'pick') return this.pick();
    if (op === 'move') return this.move() ?? this.pick();
    return this.count();
  }

  receive(): ScanTask {
    const lot = this.#random.pick(this.#catalog.lots);
    const qty = 6 * this.#random.int(1, 8);
    return { op: 'receive', label: this.#label(lot.gtin, lot.batch, qty), qty, form: this.#form(), ...(this.#receiving ? { location: this.#receiving } : {}) };
  }

  /** Puts a load on a shelf fit for the item, not one already refused; undefined when none is left. */
  putaway(load: Load, triedShelves: readonly string[], preferred?: string): ScanTask | undefined {
    const candidates = shelvesFor(this.#catalog, this.#items.get(load.gtin)).filter((s) => !triedShelves.includes(s));
    const shelf = preferred !== undefined && !triedShelves.includes(preferred) ? preferred : candidates.length > 0 ? this.#random.pick(candidates) : undefined;
    if (shelf === undefined) return undefined;
    return { op: 'putaway', label: this.#label(load.gtin, load.batch), location: shelf, qty: load.qty, form: this.#form(), triedShelves };
  }

  /** A pick: mostly the item's earliest-expiring lot in stock, sometimes a later one. */
  pick(): ScanTask {
    const rows = this.#stock.rows();
    const gtin = this.#random.pick(rows).gtin;
    const byExpiry = this.#stock.rowsOf(gtin);
    const later = byExpiry.filter((r) => r.batch !== byExpiry[0]!.batch);
    const row = later.length > 0 && this.#random.chance(offFefoPickShare) ? this.#random.pick(later) : byExpiry[0]!;
    return this.pickOf(row.gtin, row.batch, row.location, Math.min(row.qty, this.#random.int(1, 12)));
  }

  pickOf(gtin: string, batch: string, location: string, qty: number): ScanTask {
    return { op: 'pick', label: this.#label(gtin, batch, qty), location, qty, form: this.#form() };
  }

  /** The same scan asking for an override the operator confirmed on the device. */
  withOverride(task: ScanTask, override: string): ScanTask {
    return { ...task, override };
  }

  move(): ScanTask | undefined {
    const row = this.#random.pick(this.#stock.rows());
    const targets = shelvesFor(this.#catalog, this.#items.get(row.gtin)).filter((s) => s !== row.location);
    if (targets.length === 0) return undefined;
    return { op: 'move', label: this.#label(row.gtin, row.batch), location: this.#random.pick(targets), from: row.location, qty: row.qty, form: this.#form() };
  }

  count(): ScanTask {
    const row = this.#random.pick(this.#stock.rows());
    const qty = this.#random.chance(miscountShare) ? Math.max(1, row.qty + this.#random.pick([-2, -1, 1, 2])) : row.qty;
    return { op: 'count', label: this.#label(row.gtin, row.batch), location: row.location, qty, form: this.#form() };
  }

  /** Applies an accepted scan to the shared stock; returns the load now held, if any. */
  apply(task: ScanTask): Load | undefined {
    const { gtin, batch } = task.label;
    const qty = task.qty ?? 1;
    if (batch === undefined) return undefined;
    if (task.op === 'receive') return { gtin, batch, qty };
    if (task.op === 'putaway' && task.location) this.#stock.add(gtin, batch, task.location, qty);
    if (task.op === 'pick' && task.location) this.#stock.take(gtin, batch, task.location, qty);
    if (task.op === 'move' && task.location && task.from) {
      const moved = Math.min(qty, this.#stock.qtyAt(gtin, batch, task.from));
      this.#stock.take(gtin, batch, task.from, moved);
      this.#stock.add(gtin, batch, task.location, moved);
    }
    return undefined;
  }

  /** The expiry the catalog gives a lot, for labels naming a batch the gateway suggested. */
  expiryOf(gtin: string, batch: string): string | undefined {
    return this.#lots.get(`${gtin}/${batch}`)?.expiry;
  }

  #label(gtin: string, batch: string, qty?: number): LabelContent {
    const expiry = this.expiryOf(gtin, batch);
    const label: LabelContent = { gtin, batch, ...(expiry ? { expiry } : {}) };
    if (this.#random.chance(serialShare)) label.serial = `S${String(++this.#serial).padStart(6, '0')}`;
    if (qty !== undefined && Number.isInteger(qty) && this.#random.chance(countInCodeShare)) label.qty = qty;
    return label;
  }

  #form(): CodeForm {
    return this.#random.chance(rawFormShare) ? 'raw' : 'bracketed';
  }
}

/** The code a task's label gives the scanner. */
export function codeOf(task: ScanTask): string {
  return encodeElementString(task.label, task.form);
}
