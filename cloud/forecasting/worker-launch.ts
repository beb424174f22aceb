/**
 * Starts training-worker.ts on a worker thread and turns its messages into a promise: progress
 * goes to `onMessage`, the result resolves, an error message, a crash or an early exit reject
 * with what happened. Aborting `signal` terminates the thread at once.
 *
 * The worker runs TypeScript like the rest of the cloud: the bootstrap registers tsx's loader in
 * the thread before importing the worker file (a worker does not inherit the parent's loader).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

const workerUrl = new URL('./training-worker.ts', import.meta.url).href;
/** tsx's ESM API (its `import` export), found through its package.json from wherever this file runs. */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const exported = (require(packageJson) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  return new URL(exported, pathToFileURL(packageJson)).href;
}
const bootstrap = `import(${JSON.stringify(tsxEsmApiUrl())}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`;

type Final = Extract<WorkerReply, { type: 'trained' | 'backtested' }>;

export function runInWorker(request: WorkerRequest, options: { signal?: AbortSignal; onMessage?: (reply: WorkerReply) => void } = {}): Promise<Final> {
  const { signal } = options;
  return new Promise<Final>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const worker = new Worker(bootstrap, { eval: true, workerData: request });
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
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'trained' || reply.type === 'backtested') settle(() => resolve(reply));
      else if (reply.type === 'error') settle(() => reject(new Error(reply.message)));
      else options.onMessage?.(reply);
    });
    worker.on('error', (error) => settle(() => reject(new Error(`the training worker crashed: ${error.message}`))));
    worker.on('exit', (code) => settle(() => reject(new Error(`the training worker ended (exit code ${code}) without a result`))));
  });
}
