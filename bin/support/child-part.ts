/**
 * One part of the demo (cloud, simulator, gateway) as a separate process, as in production.
 * Its logs are prefixed and made readable; it stops itself if this process disappears (IPC).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { prettyLogLine } from './pretty-log.ts';

const cli = fileURLToPath(new URL('../edgestock.js', import.meta.url));

export interface ChildPart {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
  stop(timeoutMs?: number): Promise<void>;
}

export function startChildPart(name: string, args: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): ChildPart {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => print(prettyLogLine(name, line)));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return {
    name,
    process: child,
    exited,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
