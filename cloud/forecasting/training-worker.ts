/**
 * The worker thread (node:worker_threads) that trains the LSTM and runs backtests, so a minute
 * of CPU-bound training never stalls the cloud's HTTP API. The main thread posts one request;
 * this posts progress messages and then one result or one error, and ends. Cancelling is the
 * main thread terminating the worker (worker-launch.ts), which stops it between any two steps.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { backtestModels } from './backtest-task.ts';
import { trainGlobalModel } from './training-task.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('training-worker.ts runs as a worker thread: start it with runInWorker (worker-launch.ts)');
const post = (reply: WorkerReply) => port.postMessage(reply);
const request = workerData as WorkerRequest;

try {
  if (request.kind === 'train') {
    const trained = await trainGlobalModel(request.series, request.settings, {
      onEpoch: (report, maxEpochs) => post({ type: 'epoch', epoch: report.epoch, maxEpochs, trainingLoss: report.trainingLoss, validationLoss: report.validationLoss }),
    });
    post({ type: 'trained', model: trained });
  } else {
    const outcome = await backtestModels(request.series, request.settings, { onProgress: (report) => post({ type: 'fold', ...report }) });
    post({ type: 'backtested', outcome });
  }
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
