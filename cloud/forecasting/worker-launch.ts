/**
 * Starts training-worker.ts on a worker thread and turns its messages into a promise: progress
 * goes to `onMessage`, the result resolves, an error message, a crash or an early exit reject
 * with what happened. Aborting `signal` terminates the thread at once (typescript-worker.ts).
 */
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';
import { runTypeScriptWorker } from './typescript-worker.ts';

const workerUrl = new URL('./training-worker.ts', import.meta.url).href;

type Final = Extract<WorkerReply, { type: 'trained' | 'backtested' }>;

export function runInWorker(request: WorkerRequest, options: { signal?: AbortSignal; onMessage?: (reply: WorkerReply) => void } = {}): Promise<Final> {
  return runTypeScriptWorker<WorkerReply, Final>(workerUrl, request, {
    label: 'the training worker',
    signal: options.signal,
    handle: (reply, settle) => {
      if (reply.type === 'trained' || reply.type === 'backtested') settle.resolve(reply);
      else if (reply.type === 'error') settle.reject(new Error(reply.message));
      else options.onMessage?.(reply);
    },
  });
}
