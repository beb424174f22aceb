/**
 * The arithmetic of one replenishment suggestion (issue 8 item 8), with no I/O:
 *
 *   coverage  = supplier lead time (mean) + review period, in days
 *   demand    = the forecast summed over the coverage (a fractional last day counts its share)
 *   safety    = safety-stock.ts (forecast error, lead-time spread, supplier reliability)
 *   sellable  = sellable-stock.ts (free on hand less what expires before it would sell)
 *   need      = demand + safety - sellable - in transit
 *   suggested = 0 when need <= 0; else need rounded up to the supplier's pack, at least its
 *               minimum order (itself rounded up to the pack: the supplier ships whole packs)
 *
 * The explanation says all of it in words with every number, so a planner can redo the sum.
 */
import { formatQty, QTY_EPSILON, roundQty } from '../inventory/quantities.ts';
import type { ReplenishmentSuggestion } from './forecasting-types.ts';
import { safetyStockOf } from './safety-stock.ts';
import type { SellableStock } from './sellable-stock.ts';
import type { Sourcing, Supplier } from './suppliers.ts';

export type SuggestionFigures = Pick<ReplenishmentSuggestion,
  'sku' | 'location' | 'supplier' | 'suggestedQty' | 'demandOverCoverage' | 'coverageDays' | 'safetyStock' | 'sellableOnHand'
  | 'expiringUnsellable' | 'inTransit' | 'reserved' | 'explanation'>;

export interface PlanInput {
  supplier: Supplier;
  sourcing: Sourcing;
  forecast: { daily: number[]; errorSdPerDay: number; model: string };
  stock: SellableStock;
  inTransit: number;
  /** How the in-transit figure was made, e.g. `at TRANSIT 10`. */
  inTransitText: string;
}

/** Days of coverage: lead time + review period. */
export const coverageDaysOf = (supplier: Supplier, sourcing: Sourcing): number => roundQty(supplier.leadTimeMeanDays + sourcing.reviewPeriodDays);

/** Whole packs covering `need`, at least the minimum order; 0 when nothing is needed. */
export function orderQtyOf(need: number, packSize: number, minOrderQty: number): number {
  if (need <= QTY_EPSILON) return 0;
  // Quantities carry 3 decimals: a quotient within rounding of a whole pack count is that count.
  const packs = Math.ceil(roundQty(Math.max(need, minOrderQty) / packSize) - 1e-9);
  return roundQty(packs * packSize);
}

export function planSuggestion({ supplier, sourcing, forecast, stock, inTransit, inTransitText }: PlanInput): SuggestionFigures {
  const q = formatQty;
  const coverageDays = coverageDaysOf(supplier, sourcing);
  const wholeDays = Math.ceil(coverageDays - 1e-9);
  let demand = 0;
  for (let day = 1; day <= wholeDays; day++) demand += forecast.daily[day - 1]! * Math.min(1, coverageDays - (day - 1));
  const demandOverCoverage = roundQty(demand);
  const meanDailyDemand = coverageDays > 0 ? demand / coverageDays : 0;
  const safety = safetyStockOf({
    serviceLevel: sourcing.serviceLevel, coverageDays, errorSdPerDay: forecast.errorSdPerDay, meanDailyDemand,
    leadTimeSdDays: supplier.leadTimeSdDays, onTimeInFullRate: supplier.onTimeInFullRate,
  });
  const need = roundQty(demandOverCoverage + safety.safetyStock - stock.sellable - inTransit);
  const suggestedQty = orderQtyOf(need, supplier.packSize, supplier.minOrderQty);

  const sum = `demand ${q(demandOverCoverage)} over ${q(coverageDays)} days + safety ${q(safety.safetyStock)} - sellable on hand ${q(stock.sellable)} - in transit ${q(inTransit)} = ${q(need)}`;
  const rounding = suggestedQty === 0
    ? 'nothing to order: sellable and in-transit stock cover demand and safety'
    : `rounded up to whole packs of ${q(supplier.packSize)}${supplier.minOrderQty > 0 ? `, at least the minimum order ${q(supplier.minOrderQty)}` : ''}: ${q(suggestedQty)}`;
  const explanation = [
    `order ${q(suggestedQty)} of ${sourcing.sku} at ${sourcing.location} from ${supplier.id}: ${sum}, ${rounding}`,
    `coverage ${q(coverageDays)} days = lead time ${q(supplier.leadTimeMeanDays)} + review period ${q(sourcing.reviewPeriodDays)}`,
    `demand ${q(demandOverCoverage)} = ${forecast.model} forecast from tomorrow over ${q(coverageDays)} days (mean ${q(roundQty(meanDailyDemand))}/day)`,
    safety.text,
    stock.text,
    `in transit ${q(inTransit)} = ${inTransitText}`,
  ].join('; ');
  return {
    sku: sourcing.sku, location: sourcing.location, supplier: supplier.id, suggestedQty, demandOverCoverage, coverageDays,
    safetyStock: safety.safetyStock, sellableOnHand: stock.sellable, expiringUnsellable: stock.expiringUnsellable, inTransit,
    reserved: stock.reserved, explanation,
  };
}
