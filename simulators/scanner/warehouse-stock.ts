/**
 * The fleet's own idea of what lies where, shared by its PDAs: starts from the seed file's stock
 * and follows the scans the gateway accepted, so picks and counts name stock that is there.
 */
import type { CatalogLot, CatalogStock } from './catalog.ts';

const keyOf = (gtin: string, batch: string, location: string) => `${gtin}/${batch}@${location}`;

export class WarehouseStock {
  readonly #rows = new Map<string, CatalogStock>();
  readonly #expiry = new Map<string, string>();

  constructor(stock: readonly CatalogStock[], lots: readonly CatalogLot[]) {
    for (const lot of lots) this.#expiry.set(`${lot.gtin}/${lot.batch}`, lot.expiry);
    for (const row of stock) if (row.qty > 0) this.add(row.gtin, row.batch, row.location, row.qty);
  }

  add(gtin: string, batch: string, location: string, qty: number): void {
    const key = keyOf(gtin, batch, location);
    const row = this.#rows.get(key);
    if (row) row.qty += qty;
    else this.#rows.set(key, { gtin, batch, location, qty });
  }

  /** Takes up to qty; a row that reaches 0 goes. */
  take(gtin: string, batch: string, location: string, qty: number): void {
    const key = keyOf(gtin, batch, location);
    const row = this.#rows.get(key);
    if (!row) return;
    row.qty -= qty;
    if (row.qty <= 0) this.#rows.delete(key);
  }

  qtyAt(gtin: string, batch: string, location: string): number {
    return this.#rows.get(keyOf(gtin, batch, location))?.qty ?? 0;
  }

  rows(): CatalogStock[] {
    return [...this.#rows.values()];
  }

  /** An item's rows, earliest expiry first (FEFO order). */
  rowsOf(gtin: string): CatalogStock[] {
    const expiry = (row: CatalogStock) => this.#expiry.get(`${row.gtin}/${row.batch}`) ?? '9999-12-31';
    return this.rows().filter((r) => r.gtin === gtin).sort((a, b) => expiry(a).localeCompare(expiry(b)));
  }
}
