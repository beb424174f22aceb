/**
 * The worker thread (node:worker_threads) that computes a forecast run's baselines, so thousands
 * of demand cleanings, ETS fits, Croston and the ONNX LSTM never stall the cloud's HTTP API and
 * ingest. The main thread reads the sales and writes the results (SQLite stays on its
 * connection); this gets plain data (forecast-run-protocol.ts), cleans each series' demand
 * (demandSeriesOf) and calls forecastBaselines chunk by chunk as it is, posts each chunk's
 * baselines, then `finished` or one `error`, and ends. Cancelling is the main thread terminating
 * this thread (forecast-run-launch.ts), which stops it wherever it is.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { forecastBaselines } from './baseline-forecasts.ts';
import { unpackSales, type ForecastRunReply, type ForecastRunRequest } from './forecast-run-protocol.ts';
import { demandSeriesOf } from './forecast-runs.ts';

const port = parentPort;
if (port === null) throw new Error('forecast-run-worker.ts runs as a worker thread: start it with forecastBaselinesInWorker (forecast-run-launch.ts)');
const post = (reply: ForecastRunReply) => port.postMessage(reply);
const request = workerData as ForecastRunRequest;

try {
  const total = request.sales.length;
  for (let from = 0; from < total; from += request.chunkSeries) {
    const chunk = request.sales.slice(from, from + request.chunkSeries).map((packed) => demandSeriesOf(unpackSales(packed)));
    const baselines = await forecastBaselines(chunk, request.context);
    post({ type: 'chunk', from, baselines, done: from + chunk.length, total });
  }
  post({ type: 'finished' });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
