/**
 * The messages between a forecast run (forecast-runs.ts, on the main thread) and the worker that
 * cleans its demand and computes its baselines (forecast-run-worker.ts). Everything here is plain,
 * structured-cloneable data: the sales, the latest backtest and the stored model with its ONNX
 * bytes go in; each chunk of series comes back as soon as it is done, so the job's progress moves
 * and the main thread deserializes small pieces rather than one large reply at the end.
 *
 * Sales travel packed, one typed array per series instead of an object per day: cloning 2,000 x
 * 540 day objects took ~300 ms of the main thread, the packed form a few (measured, this machine).
 * A series' days are consecutive (SalesHistory), so the first day is enough to rebuild them.
 */
import type { SeriesBaseline } from './baseline-forecasts.ts';
import { addDays } from './calendar-features.ts';
import type { BaselineContext } from './forecast-runs.ts';
import type { SalesSeries } from './forecasting-types.ts';

export interface PackedSalesSeries {
  readonly sku: string;
  readonly location: string;
  /** The day of qty[0], YYYY-MM-DD; null when the series has no days. */
  readonly firstDay: string | null;
  readonly qty: Float64Array;
  /** 1 where the day is censored (a stock-out), else 0. */
  readonly censored: Uint8Array;
}

export interface ForecastRunRequest {
  readonly sales: readonly PackedSalesSeries[];
  readonly context: BaselineContext;
  /** Series per forecastBaselines call; progress is reported after each. */
  readonly chunkSeries: number;
}

export type ForecastRunReply =
  /** Baselines of series `from` .. `from + baselines.length - 1`; `done` of `total` so far. */
  | { type: 'chunk'; from: number; baselines: SeriesBaseline[]; done: number; total: number }
  | { type: 'finished' }
  | { type: 'error'; message: string };

export function packSales(sales: SalesSeries): PackedSalesSeries {
  const qty = new Float64Array(sales.days.length);
  const censored = new Uint8Array(sales.days.length);
  sales.days.forEach((day, index) => {
    qty[index] = day.qty;
    censored[index] = day.censored ? 1 : 0;
  });
  return { sku: sales.sku, location: sales.location, firstDay: sales.days[0]?.day ?? null, qty, censored };
}

export function unpackSales(packed: PackedSalesSeries): SalesSeries {
  const { firstDay } = packed;
  const days = firstDay === null ? [] : Array.from(packed.qty, (qty, index) => ({ day: addDays(firstDay, index), qty, censored: packed.censored[index] === 1 }));
  return { sku: packed.sku, location: packed.location, days };
}
