/**
 * Cleans a forecast run's demand and computes its baselines on a worker thread
 * (forecast-run-worker.ts): the sales go packed (forecast-run-protocol.ts), and its
 * messages into a promise: each chunk's baselines are collected in series order and reported as
 * progress, `finished` resolves, an error message, a crash or an early exit reject with what
 * happened (the run's job then fails with that message; the cloud goes on). Aborting `signal`
 * terminates the thread at once. `workerBaselines` is the BaselineComputer open-forecasting.ts
 * gives ForecastRuns.
 */
import type { Worker } from 'node:worker_threads';
import type { SeriesBaseline } from './baseline-forecasts.ts';
import type { BaselineComputer, BaselineContext, BaselineHooks } from './forecast-runs.ts';
import { packSales, type ForecastRunReply, type ForecastRunRequest } from './forecast-run-protocol.ts';
import type { SalesSeries } from './forecasting-types.ts';
import { runTypeScriptWorker } from './typescript-worker.ts';

/** Series per chunk: ~20 progress steps for 2,000 series, and one ONNX session load per chunk. */
export const DEFAULT_CHUNK_SERIES = 100;

const workerUrl = new URL('./forecast-run-worker.ts', import.meta.url).href;

export interface WorkerBaselineOptions {
  /** Series per forecastBaselines call in the worker; DEFAULT_CHUNK_SERIES when absent. */
  readonly chunkSeries?: number;
  /** Sees the thread once it is started (tests watch it end). */
  readonly onWorker?: (worker: Worker) => void;
}

export function forecastBaselinesInWorker(
  sales: readonly SalesSeries[],
  context: BaselineContext,
  hooks: BaselineHooks & WorkerBaselineOptions = {},
): Promise<SeriesBaseline[]> {
  const chunkSeries = hooks.chunkSeries ?? DEFAULT_CHUNK_SERIES;
  if (!Number.isInteger(chunkSeries) || chunkSeries < 1) {
    return Promise.reject(new RangeError(`chunkSeries: expected a whole number of series >= 1, found ${String(chunkSeries)}`));
  }
  const request: ForecastRunRequest = { sales: sales.map(packSales), context, chunkSeries };
  const results = new Array<SeriesBaseline | undefined>(sales.length);
  return runTypeScriptWorker<ForecastRunReply, SeriesBaseline[]>(workerUrl, request, {
    label: 'the forecast run worker',
    signal: hooks.signal,
    onWorker: hooks.onWorker,
    handle: (reply, settle) => {
      if (reply.type === 'chunk') {
        reply.baselines.forEach((baseline, k) => { results[reply.from + k] = baseline; });
        hooks.onProgress?.(reply.done, reply.total);
      } else if (reply.type === 'finished') {
        const missing = results.findIndex((one) => one === undefined);
        if (missing === -1) settle.resolve(results as SeriesBaseline[]);
        else settle.reject(new Error(`the forecast run worker finished without the baseline of series ${missing} (${sales[missing]!.sku} at ${sales[missing]!.location})`));
      } else {
        settle.reject(new Error(reply.message));
      }
    },
  });
}

/** A BaselineComputer running every run's baselines on a worker thread. */
export function workerBaselines(options: WorkerBaselineOptions = {}): BaselineComputer {
  return (sales, context, hooks = {}) => forecastBaselinesInWorker(sales, context, { ...options, ...hooks });
}
