/**
 * The stored replenishment suggestions (issue 8 item 8). A run replaces the open suggestions of
 * the SKU x locations it covers in one transaction (so the list never shows half a run); accepted
 * and dismissed ones stay as history. Purchasing accepts one (who, when, optionally the purchase
 * order it became) or dismisses it; either only from 'open'. Nothing here touches stock.
 *
 * Accepting opens the purchase-order line (cloud/purchasing/purchase-orders.ts) in the same
 * transaction, under the reference given or `PO-<suggestion id>`, expected the supplier's lead
 * time after today: replenishment counts it as on order until the ledger shows it received, so
 * the next run does not suggest the same goods again.
 */
import { PurchaseOrders } from '../purchasing/purchase-orders.ts';
import { dayOf } from '../scans/utc-days.ts';
import type { SqliteDatabase } from '../store/database.ts';
import type { ReplenishmentSuggestion } from './forecasting-types.ts';
import { invalidField, ReplenishmentError } from './replenishment-errors.ts';
import type { SuggestionFigures } from './replenishment-plan.ts';

export const MAX_SUGGESTIONS_PAGE = 1000;
export const PURCHASE_ORDER_MAX = 128;

export type SuggestionState = ReplenishmentSuggestion['state'];
export interface SuggestionFilter { state?: SuggestionState; sku?: string; location?: string; limit?: number }

interface Row {
  id: number; sku: string; location: string; supplier: string | null; created_at: number; suggested_qty: number; demand_over_coverage: number;
  coverage_days: number; safety_stock: number; sellable_on_hand: number; expiring_unsellable: number; in_transit: number; reserved: number;
  explanation: string; state: SuggestionState; decided_by: string | null; decided_at: number | null; purchase_order: string | null;
}

const suggestionOf = (r: Row): ReplenishmentSuggestion => ({
  id: r.id, sku: r.sku, location: r.location, supplier: r.supplier, createdAt: r.created_at, suggestedQty: r.suggested_qty,
  demandOverCoverage: r.demand_over_coverage, coverageDays: r.coverage_days, safetyStock: r.safety_stock, sellableOnHand: r.sellable_on_hand,
  expiringUnsellable: r.expiring_unsellable, inTransit: r.in_transit, reserved: r.reserved, explanation: r.explanation, state: r.state,
  decidedBy: r.decided_by, decidedAt: r.decided_at, purchaseOrder: r.purchase_order,
});

export class ReplenishmentSuggestions {
  readonly #db: SqliteDatabase;
  readonly #statements;
  readonly #purchaseOrders: PurchaseOrders;

  /** `db` must have the cloud migrations applied (018, 019). */
  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#purchaseOrders = new PurchaseOrders(db);
    this.#statements = {
      get: db.prepare('SELECT * FROM repl_suggestion WHERE id = ?'),
      list: db.prepare(`SELECT * FROM repl_suggestion WHERE (@state IS NULL OR state = @state) AND (@sku IS NULL OR sku = @sku)
        AND (@location IS NULL OR location = @location) ORDER BY id DESC LIMIT @limit`),
      removeOpen: db.prepare(`DELETE FROM repl_suggestion WHERE state = 'open' AND (@sku IS NULL OR sku = @sku) AND (@location IS NULL OR location = @location)`),
      insert: db.prepare(`INSERT INTO repl_suggestion (sku, location, supplier, created_at, suggested_qty, demand_over_coverage, coverage_days, safety_stock,
          sellable_on_hand, expiring_unsellable, in_transit, reserved, explanation, state)
        VALUES (@sku, @location, @supplier, @createdAt, @suggestedQty, @demandOverCoverage, @coverageDays, @safetyStock,
          @sellableOnHand, @expiringUnsellable, @inTransit, @reserved, @explanation, 'open')`),
      decide: db.prepare(`UPDATE repl_suggestion SET state = @state, decided_by = @actor, decided_at = @at, purchase_order = @purchaseOrder
        WHERE id = @id AND state = 'open'`),
      leadTime: db.prepare('SELECT lead_time_mean_days FROM repl_supplier WHERE id = ?').pluck(),
    };
  }

  get(id: number): ReplenishmentSuggestion | undefined {
    const row = this.#statements.get.get(id) as Row | undefined;
    return row && suggestionOf(row);
  }

  /** Newest first. */
  list(filter: SuggestionFilter = {}): ReplenishmentSuggestion[] {
    const limit = filter.limit ?? 200;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SUGGESTIONS_PAGE) throw invalidField('limit', limit, `a whole number from 1 to ${MAX_SUGGESTIONS_PAGE}`);
    const rows = this.#statements.list.all({ state: filter.state ?? null, sku: filter.sku ?? null, location: filter.location ?? null, limit }) as Row[];
    return rows.map(suggestionOf);
  }

  /** Removes the open suggestions matching `scope` (every one without sku and location) and stores `figures` as the new open ones. */
  replaceOpen(scope: { sku?: string; location?: string }, figures: SuggestionFigures[], createdAt: number): ReplenishmentSuggestion[] {
    return this.#db.transaction(() => {
      this.#statements.removeOpen.run({ sku: scope.sku ?? null, location: scope.location ?? null });
      return figures.map((f) => {
        const { lastInsertRowid } = this.#statements.insert.run({ ...f, createdAt });
        return this.get(Number(lastInsertRowid))!;
      });
    }).immediate();
  }

  accept(id: number, actor: string, at: number, purchaseOrder: string | null = null): ReplenishmentSuggestion {
    if (purchaseOrder !== null && (typeof purchaseOrder !== 'string' || purchaseOrder.trim() === '' || purchaseOrder.length > PURCHASE_ORDER_MAX)) {
      throw invalidField('purchaseOrder', purchaseOrder, `the purchase order's reference, 1 to ${PURCHASE_ORDER_MAX} characters, or null`);
    }
    return this.#decide(id, 'accepted', actor, at, purchaseOrder?.trim() ?? null);
  }

  dismiss(id: number, actor: string, at: number): ReplenishmentSuggestion {
    return this.#decide(id, 'dismissed', actor, at, null);
  }

  #decide(id: number, state: 'accepted' | 'dismissed', actor: string, at: number, purchaseOrder: string | null): ReplenishmentSuggestion {
    return this.#db.transaction(() => {
      const found = this.get(id);
      if (!found) throw new ReplenishmentError('UNKNOWN_SUGGESTION', 'id', `id: no replenishment suggestion ${id}; GET /api/replenishment/suggestions lists them`);
      if (found.state !== 'open') {
        throw new ReplenishmentError('CONFLICT', 'id', `id: suggestion ${id} was ${found.state} by ${found.decidedBy} at ${new Date(found.decidedAt!).toISOString()}; only open suggestions can be accepted or dismissed`);
      }
      if (state === 'accepted' && found.suggestedQty === 0) {
        throw new ReplenishmentError('CONFLICT', 'id', `id: suggestion ${id} suggests ordering nothing; dismiss it, or run the suggestions again when stock has changed`);
      }
      const ref = state === 'accepted' ? this.#openPurchaseOrder(found, purchaseOrder ?? `PO-${id}`, actor, at) : null;
      this.#statements.decide.run({ id, state, actor, at, purchaseOrder: ref });
      return this.get(id)!;
    }).immediate();
  }

  /** Opens the order line of an accepted suggestion (inside the accept's transaction); answers its reference. */
  #openPurchaseOrder(suggestion: ReplenishmentSuggestion, ref: string, actor: string, at: number): string {
    const leadTimeDays = suggestion.supplier === null ? undefined : this.#statements.leadTime.get(suggestion.supplier) as number | undefined;
    if (leadTimeDays === undefined) {
      throw new ReplenishmentError('CONFLICT', 'id', `id: suggestion ${suggestion.id} names no known supplier (${suggestion.supplier ?? 'none'}), so no order can be placed; run the suggestions again`);
    }
    this.#purchaseOrders.open({
      ref, supplier: suggestion.supplier!, sku: suggestion.sku, location: suggestion.location, orderedQty: suggestion.suggestedQty,
      leadTimeDays, actor, at, suggestionId: suggestion.id,
    }, dayOf(at));
    return ref;
  }
}
