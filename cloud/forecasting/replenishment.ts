/**
 * Replenishment suggestions (issue 8 item 8): per SKU x location that has a supplier, the
 * forecast demand over lead time + review period, safety stock from the forecast's error and the
 * supplier's lead-time spread and reliability, less on-hand stock that will still be sellable
 * (lots that expire, or enter their near-expiry lock, before they would sell do not count) and
 * stock in transit -> an order quantity in the supplier's packs, with its explanation. A run
 * stores them, replacing the open ones; purchasing accepts or dismisses them. Stock is only read.
 *
 * In transit: the SKU's stock at transit locations under the replenished location, and at
 * transit locations outside every storage tree when the SKU is replenished at that one location
 * only (with several, nobody can tell where it is going, and the explanation says so); plus
 * `onOrder`: what is still to come on open purchase orders (cloud/purchasing/purchase-orders.ts).
 *
 * Composition (cloud-service.ts): `openReplenishment(file, { clock, forecasts, onOrder })` after
 * the inventory and forecasting parts, `onOrder` from openPurchaseOrders(file, { clock }); give the
 * web routes `api`; `close` it on shutdown.
 */
import type { Clock } from '../../connectors/clock.ts';
import { SqliteInventoryCatalog } from '../inventory/catalog.ts';
import type { StockState } from '../inventory/inventory-types.ts';
import { LocationTree } from '../inventory/location-tree.ts';
import { formatQty, roundQty } from '../inventory/quantities.ts';
import { SqliteStockStates } from '../inventory/stock-states.ts';
import { dayOf } from '../scans/utc-days.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import type { ForecastSource, ReplenishmentSuggestion } from './forecasting-types.ts';
import { coverageDaysOf, planSuggestion, type SuggestionFigures } from './replenishment-plan.ts';
import { ReplenishmentSuggestions, type SuggestionFilter } from './replenishment-suggestions.ts';
import { sellableStockOf, type OnHandLot } from './sellable-stock.ts';
import { Suppliers, type Sourcing, type SourcingInput, type Supplier, type SupplierInput } from './suppliers.ts';

export interface ReplenishmentScope { sku?: string; location?: string }
export interface SkippedSeries { sku: string; location: string; reason: string }
export interface ReplenishmentRun { madeAt: number; suggestions: ReplenishmentSuggestion[]; skipped: SkippedSeries[] }

/** Open purchase orders for a SKU at a location, not yet received (a purchasing part supplies it). */
export type OnOrder = (sku: string, location: string) => { qty: number; text: string } | undefined;

/** What the web routes (cloud/web/routes/replenishment.ts) use; `actor` is the caller's username. */
export interface ReplenishmentApi {
  suppliers(): Supplier[];
  supplier(id: string): Supplier | undefined;
  putSupplier(input: SupplierInput, actor: string): Supplier;
  sourcing(filter?: { sku?: string; location?: string; supplier?: string }): Sourcing[];
  putSourcing(input: SourcingInput, actor: string): Sourcing;
  removeSourcing(sku: string, location: string): Sourcing;
  /** Computes and stores suggestions for every sourced SKU x location in `scope`, replacing their open ones. */
  run(scope?: ReplenishmentScope): ReplenishmentRun;
  suggestions(filter?: SuggestionFilter): ReplenishmentSuggestion[];
  suggestion(id: number): ReplenishmentSuggestion | undefined;
  accept(id: number, actor: string, purchaseOrder?: string | null): ReplenishmentSuggestion;
  dismiss(id: number, actor: string): ReplenishmentSuggestion;
}

export interface ReplenishmentOptions {
  clock: Pick<Clock, 'now'>;
  forecasts: ForecastSource;
  onOrder?: OnOrder;
}

const q = formatQty;

export class Replenishment implements ReplenishmentApi {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #forecasts: ForecastSource;
  readonly #onOrder: OnOrder | undefined;
  readonly #catalog: SqliteInventoryCatalog;
  readonly #states: SqliteStockStates;
  readonly #suppliers: Suppliers;
  readonly #suggestions: ReplenishmentSuggestions;

  /** `db` must have the cloud migrations applied (012, 018). */
  constructor(db: SqliteDatabase, { clock, forecasts, onOrder }: ReplenishmentOptions) {
    this.#db = db;
    this.#clock = clock;
    this.#forecasts = forecasts;
    this.#onOrder = onOrder;
    this.#catalog = new SqliteInventoryCatalog(db, clock);
    this.#states = new SqliteStockStates(db, clock);
    this.#suppliers = new Suppliers(db, this.#catalog, () => clock.now());
    this.#suggestions = new ReplenishmentSuggestions(db);
  }

  suppliers(): Supplier[] { return this.#suppliers.suppliers(); }
  supplier(id: string): Supplier | undefined { return this.#suppliers.supplier(id); }
  putSupplier(input: SupplierInput, actor: string): Supplier { return this.#suppliers.putSupplier(input, actor); }
  sourcing(filter: { sku?: string; location?: string; supplier?: string } = {}): Sourcing[] { return this.#suppliers.sourcings(filter); }
  putSourcing(input: SourcingInput, actor: string): Sourcing { return this.#suppliers.putSourcing(input, actor); }
  removeSourcing(sku: string, location: string): Sourcing { return this.#suppliers.removeSourcing(sku, location); }
  suggestions(filter: SuggestionFilter = {}): ReplenishmentSuggestion[] { return this.#suggestions.list(filter); }
  suggestion(id: number): ReplenishmentSuggestion | undefined { return this.#suggestions.get(id); }
  accept(id: number, actor: string, purchaseOrder: string | null = null): ReplenishmentSuggestion { return this.#suggestions.accept(id, actor, this.#clock.now(), purchaseOrder); }
  dismiss(id: number, actor: string): ReplenishmentSuggestion { return this.#suggestions.dismiss(id, actor, this.#clock.now()); }

  run(scope: ReplenishmentScope = {}): ReplenishmentRun {
    if (scope.sku !== undefined) this.#suppliers.checkSku(scope.sku, 'sku');
    if (scope.location !== undefined) this.#suppliers.checkLocation(scope.location, 'location');
    const madeAt = this.#clock.now();
    const figures: SuggestionFigures[] = [];
    const skipped: SkippedSeries[] = [];
    // One snapshot of stock for the whole run, so no two suggestions see different ledgers.
    this.#db.transaction(() => {
      const tree = LocationTree.read(this.#db);
      for (const sourcing of this.#suppliers.sourcings(scope)) {
        const planned = this.#plan(sourcing, tree, madeAt);
        if ('reason' in planned) skipped.push(planned);
        else figures.push(planned);
      }
    })();
    const suggestions = this.#suggestions.replaceOpen(scope, figures, madeAt);
    return { madeAt, suggestions, skipped };
  }

  #plan(sourcing: Sourcing, tree: LocationTree, now: number): SuggestionFigures | SkippedSeries {
    const { sku, location } = sourcing;
    const supplier = this.#suppliers.requireSupplier(sourcing.supplier, 'supplier');
    const coverageDays = coverageDaysOf(supplier, sourcing);
    const days = Math.max(1, Math.ceil(coverageDays - 1e-9));
    const forecast = this.#forecasts.demand(sku, location, days);
    const skip = (reason: string): SkippedSeries => ({ sku, location, reason });
    if (!forecast) return skip(`no forecast for ${sku} at ${location}: run the forecast job (POST /api/forecasting/jobs { kind: 'forecast' }) first`);
    if (forecast.daily.length < days || !forecast.daily.slice(0, days).every((x) => Number.isFinite(x) && x >= 0)
      || !(Number.isFinite(forecast.errorSdPerDay) && forecast.errorSdPerDay >= 0)) {
      return skip(`the forecast for ${sku} at ${location} gave ${forecast.daily.length} days (needed ${days} non-negative numbers) and error ${forecast.errorSdPerDay}; it cannot be used`);
    }
    const within = tree.subtree(location);
    const states = this.#states.byLocation({ sku, includeVirtual: true });
    const lots: OnHandLot[] = states.filter((s) => within.has(s.location) && tree.isStorage(s.location)).flatMap((s) => s.lots.map((lot) => ({
      lotId: lot.lotId, lot: lot.lot, expiry: lot.expiry, daysLeft: lot.daysLeft, qty: lot.qty, reserved: roundQty(lot.reserved + lot.pendingOutbound), frozen: lot.frozen,
    })));
    const item = this.#catalog.item(sku)!;
    const lockDays = this.#catalog.category(item.category)?.lockDays ?? null;
    const stock = sellableStockOf({ lots, daily: forecast.daily, coverageDays, lockDays, today: dayOf(now) });
    const transit = this.#inTransit(sku, location, states, tree, within);
    const onOrder = this.#onOrder?.(sku, location);
    const inTransit = roundQty(transit.qty + (onOrder?.qty ?? 0));
    const inTransitText = onOrder ? `${transit.text} + on order ${q(onOrder.qty)} (${onOrder.text})` : transit.text;
    return planSuggestion({ supplier, sourcing, forecast, stock, inTransit, inTransitText });
  }

  /** Usable stock at the transit locations that can be told to be coming to `location`. */
  #inTransit(sku: string, location: string, states: StockState[], tree: LocationTree, within: Set<string>): { qty: number; text: string } {
    const counted: string[] = [];
    const notCounted: string[] = [];
    let qty = 0;
    const replenishedAt = this.#suppliers.sourcings({ sku }).map((s) => s.location);
    for (const state of states.filter((s) => s.locationKind === 'transit')) {
      const usable = roundQty(state.lots.filter((l) => !l.frozen).reduce((sum, l) => sum + l.qty, 0));
      const frozen = roundQty(state.inTransit - usable);
      if (frozen > 0) notCounted.push(`${q(frozen)} at ${state.location} expired, quarantined, recalled or locked`);
      if (usable <= 0) continue;
      const ours = within.has(state.location);
      const unattributed = !ours && !underStorage(tree, state.location);
      if (ours || (unattributed && replenishedAt.length === 1)) {
        qty = roundQty(qty + usable);
        counted.push(`${state.location} ${q(usable)}`);
      } else if (unattributed) {
        notCounted.push(`${q(usable)} at ${state.location}: it cannot be told which of ${replenishedAt.join(', ')} it goes to`);
      }
    }
    const text = (counted.length === 0 ? 'nothing at transit locations' : `at ${counted.join(' + ')}`) + (notCounted.length > 0 ? ` (not counted: ${notCounted.join('; ')})` : '');
    return { qty, text };
  }
}

/** Whether a storage location is `code`'s ancestor (transit under a warehouse belongs to it). */
function underStorage(tree: LocationTree, code: string): boolean {
  for (let at = tree.get(tree.get(code)?.parent ?? ''), hops = 0; at !== undefined && hops < 64; at = at.parent === null ? undefined : tree.get(at.parent), hops++) {
    if (tree.isStorage(at.code)) return true;
  }
  return false;
}

export interface OpenReplenishment {
  api: ReplenishmentApi;
  close(): void;
}

/** Opens replenishment on the cloud's SQLite file (its own connection; it only reads stock). */
export function openReplenishment(file: string, options: ReplenishmentOptions): OpenReplenishment {
  const db = openDatabase(file);
  try {
    migrate(db);
    return { api: new Replenishment(db, options), close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
