/**
 * Runs a TypeScript file of the cloud on a worker thread and turns its messages into a promise.
 * A worker does not inherit the parent's loader, so the thread first registers tsx's ESM loader
 * (found through tsx's package.json from wherever this file runs) and then imports the file.
 *
 * `runTypeScriptWorker` is what the training/backtest worker (worker-launch.ts) and the forecast
 * run's worker (forecast-run-launch.ts) share: each message goes to the caller's `handle`, which
 * settles the promise when the worker sends its result or its error; a crash or an exit before
 * that rejects naming the worker; aborting `signal` terminates the thread at once. The thread is
 * terminated whichever way the promise settles.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

let tsxApiUrl: string | undefined;

/** tsx's ESM API (its `./esm/api` import export) as a file URL. */
function tsxEsmApiUrl(): string {
  if (tsxApiUrl !== undefined) return tsxApiUrl;
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const exported = (require(packageJson) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  tsxApiUrl = new URL(exported, pathToFileURL(packageJson)).href;
  return tsxApiUrl;
}

/** A worker thread running `fileUrl` (a `file:` URL of a .ts file) with `workerData` (structured-cloned). */
export function startTypeScriptWorker(fileUrl: string, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(tsxEsmApiUrl())}).then(({ register }) => { register(); return import(${JSON.stringify(fileUrl)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** How the caller's `handle` ends a run. */
export interface WorkerSettle<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

export interface WorkerRunOptions<M, T> {
  /** Names the worker in crash and early-exit messages ("the training worker"). */
  readonly label: string;
  readonly signal?: AbortSignal;
  /** Every message the worker posts; settle when it is the result or an error. */
  readonly handle: (message: M, settle: WorkerSettle<T>) => void;
  /** Sees the thread once it is started (tests watch it end). */
  readonly onWorker?: (worker: Worker) => void;
}

export function runTypeScriptWorker<M, T>(fileUrl: string, workerData: unknown, options: WorkerRunOptions<M, T>): Promise<T> {
  const { signal, label } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let worker: Worker;
    try {
      worker = startTypeScriptWorker(fileUrl, workerData);
    } catch (error) {
      // workerData that cannot be cloned: a bug in what the caller passes, named as such.
      reject(new Error(`${label} could not start: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outcome();
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settler: WorkerSettle<T> = { resolve: (value) => settle(() => resolve(value)), reject: (error) => settle(() => reject(error)) };
    worker.on('message', (message: M) => options.handle(message, settler));
    worker.on('error', (error) => settler.reject(new Error(`${label} crashed: ${error.message}`)));
    worker.on('exit', (code) => settler.reject(new Error(`${label} ended (exit code ${code}) without a result`)));
    options.onWorker?.(worker);
  });
}
