/**
 * The forecasting service's contract (issue 8): sales history from the inventory ledger, the
 * trained model and its rolling 14-day forecasts with intervals and factor decomposition, the
 * backtest beside it, the weekly MAPE monitor with review tasks, and the replenishment
 * suggestions built on the forecasts. HTTP shapes: docs/forecasting-api.md (these types as JSON).
 * Tables: store/migrations/017-forecasting.ts, 018-replenishment.ts.
 *
 * A series is one SKU at one stock location: the warehouse (root storage location) its sales
 * ship from. Days are UTC days, YYYY-MM-DD.
 */

/** One day of one series: what was sold (shipped to customers less returns) and whether demand was censored. */
export interface SalesDay {
  day: string;
  qty: number;
  /** Stock at the location was 0 at the end of the day: real demand may have been higher (a stock-out). */
  censored: boolean;
}

export interface SalesSeries {
  sku: string;
  location: string;
  /** Consecutive days, oldest first, from the first sale (or `from`) to `to`; days without sales are 0. */
  days: SalesDay[];
}

/** Daily sales per SKU x location, derived from the ledger's moves (sales-history.ts). */
export interface SalesHistory {
  series(filter?: { sku?: string; location?: string; from?: string; to?: string }): SalesSeries[];
  /** Every (sku, location) with at least one sale. */
  keys(): Array<{ sku: string; location: string }>;
}

export type JobKind = 'train' | 'backtest' | 'forecast';
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A long job (training, backtest, the daily forecast run) and how far it is. */
export interface ForecastJob {
  id: number;
  kind: JobKind;
  state: JobState;
  /** 0..1. */
  progress: number;
  /** What it is doing now, e.g. `epoch 3 of 8: validation loss 0.041` or `fold 5 of 12: ets`. */
  message: string;
  startedAt: number | null;
  finishedAt: number | null;
  startedBy: string;
  error: string | null;
  /** Epoch -> loss for training; model -> WAPE so far for backtests (for the progress chart). */
  points: Array<{ x: number; y: number; label?: string }>;
}

/** One forecast day of a series, explained. */
export interface ForecastDay {
  day: string;
  /** The champion model's own forecast. */
  baseline: number;
  /** Baseline x every factor that applies that day (the published factor set). */
  forecast: number;
  /** Prediction interval (80%) from the backtest's errors at this horizon step. */
  lower: number;
  upper: number;
  factors: Array<{ name: string; kind: string; value: number; why: string }>;
}

export interface SeriesForecast {
  sku: string;
  location: string;
  /** When the run was made and from which day (the first forecast day). */
  madeAt: number;
  from: string;
  /** The model whose baseline this is (the champion of the series' demand class), and why it was chosen. */
  model: string;
  demandClass: string;
  why: string;
  /** The factor set version used. */
  factorVersion: number | null;
  /** The last days of actual sales before `from` (for the plot), oldest first. */
  history: SalesDay[];
  days: ForecastDay[];
}

/** One week of the MAPE monitor for one series (or '*' for all). */
export interface MonitorWeek {
  sku: string;
  location: string;
  /** The Monday of the ISO week, YYYY-MM-DD. */
  week: string;
  mape: number | null;
  wape: number | null;
  days: number;
  /** MAPE above the threshold (15%). */
  breach: boolean;
}

/** Opened when MAPE exceeds 15% for 3 consecutive weeks; one open task per series. */
export interface ReviewTask {
  id: number;
  sku: string;
  location: string;
  weeks: string[];
  mapes: number[];
  reason: string;
  state: 'open' | 'closed';
  openedAt: number;
  closedAt: number | null;
  closedBy: string | null;
  note: string | null;
}

/** What replenishment reads of the forecasts (replenishment.ts). */
export interface ForecastSource {
  /** Daily forecasts from tomorrow for `days` days (beyond the model's horizon: the mean of its last 7 days), undefined without a forecast. */
  demand(sku: string, location: string, days: number): { daily: number[]; errorSdPerDay: number; model: string } | undefined;
}

export interface ReplenishmentSuggestion {
  id: number;
  sku: string;
  location: string;
  supplier: string | null;
  createdAt: number;
  /** Order this much (rounded up to the supplier's pack, at least its minimum), 0: nothing to order. */
  suggestedQty: number;
  /** Every number that went into it. */
  demandOverCoverage: number;
  coverageDays: number;
  safetyStock: number;
  sellableOnHand: number;
  /** On hand that will expire before it would sell, so not counted. */
  expiringUnsellable: number;
  inTransit: number;
  reserved: number;
  /** In words, with the numbers: `order 120 = demand 95 over 12 days + safety 31 - sellable on hand 40 ...`. */
  explanation: string;
  state: 'open' | 'accepted' | 'dismissed';
  decidedBy: string | null;
  decidedAt: number | null;
  /** The purchase order reference once purchasing turned it into one. */
  purchaseOrder: string | null;
}
