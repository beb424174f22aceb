/**
 * The real processes of a fault scenario (cloud, gateway, simulator, a broker), their output, and
 * a timeline of what the test did to them. A failure message ends with the timeline and the last
 * lines of every process, and on failure the test folder (stores, outbox, full log) is kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../simulators/modbus/scenario.ts';
import { startChildPart, type ChildPart } from './child-part.ts';
import { waitFor } from './wait-for.ts';

export interface FaultRig {
  readonly dir: string;
  /** Starts `edgestock <args>` as a child process named `name`; `onLine` sees each line of its output. */
  start(name: string, args: string[], onLine?: (line: string) => void): ChildPart;
  /** SIGKILL, and waits for the exit. */
  killHard(part: ChildPart): Promise<void>;
  /**
   * Uniform in [0, 1), from a seed noted in the timeline; set EDGESTOCK_FAULT_SEED to replay a
   * failed run's random choices.
   */
  random(): number;
  /** A line in the timeline, with the time since the rig started. */
  note(line: string): void;
  /** Runs `work`; a failure is rethrown with the timeline and every process's last lines. */
  explained<T>(work: () => Promise<T>): Promise<T>;
  /** More output for failure messages (e.g. a broker that is not a CLI part). */
  addOutput(name: string, read: () => string): void;
  /** Runs at dispose, after the CLI parts stopped and before the folder goes (e.g. stop a broker). */
  addCleanup(cleanup: () => Promise<void>): void;
  /**
   * Stops every process still running (SIGCONT for one a test paused, SIGTERM, SIGKILL after 10 s);
   * removes the folder unless a failure kept it.
   */
  dispose(): Promise<void>;
}

const TAIL_LINES = 25;

export function faultRig(prefix: string): FaultRig {
  const dir = mkdtempSync(join(tmpdir(), `edgestock-${prefix}-`));
  const startedAt = Date.now();
  const lines: Array<{ name: string; line: string }> = [];
  const notes: string[] = [];
  const running = new Set<ChildPart>();
  const extraOutput = new Map<string, () => string>();
  const cleanups: Array<() => Promise<void>> = [];
  let keep = false;
  const seed = Number(process.env.EDGESTOCK_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = seededRandom(seed); // the same seed gives the same kill points
  notes.push(`seed ${seed} (EDGESTOCK_FAULT_SEED)`);

  const tails = (): string => {
    const names = [...new Set(lines.map((l) => l.name))];
    const parts = names.map((name) => {
      const own = lines.filter((l) => l.name === name).slice(-TAIL_LINES).map((l) => l.line);
      return `--- ${name} (last ${own.length} lines) ---\n${own.join('\n')}`;
    });
    for (const [name, read] of extraOutput) parts.push(`--- ${name} (last lines) ---\n${read().trimEnd().split('\n').slice(-TAIL_LINES).join('\n')}`);
    return parts.join('\n');
  };

  return {
    dir,
    start(name, args, onLine) {
      const part = startChildPart(name, args, { ...process.env, EDGESTOCK_LOG_LEVEL: 'info' }, (line) => {
        lines.push({ name, line });
        onLine?.(line);
      });
      running.add(part);
      void part.exited.then(() => running.delete(part));
      return part;
    },
    async killHard(part) {
      part.process.kill('SIGKILL');
      await part.exited;
    },
    random,
    note(line) {
      notes.push(`+${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s  ${line}`);
    },
    async explained(work) {
      try {
        return await work();
      } catch (error) {
        keep = true;
        throw new Error(`${(error as Error).message}\n--- timeline ---\n${notes.join('\n')}\n${tails()}\n(everything kept in ${dir})`, { cause: error });
      }
    },
    addOutput(name, read) {
      extraOutput.set(name, read);
    },
    addCleanup(cleanup) {
      cleanups.push(cleanup);
    },
    async dispose() {
      await Promise.all([...running].map((part) => {
        part.process.kill('SIGCONT');
        return part.stop();
      }));
      for (const cleanup of cleanups) await cleanup();
      if (keep) {
        const extra = [...extraOutput].map(([name, read]) => `--- ${name} ---\n${read()}`);
        writeFileSync(join(dir, 'output.log'), [...notes, ...lines.map((l) => l.line), ...extra].join('\n'));
      } else {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port` (e.g. a simulator that started). */
export function listening(port: number, timeoutMs = 30_000): Promise<true> {
  const accepts = () => new Promise<true | undefined>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(undefined));
  });
  return waitFor(`a listener on port ${port}`, accepts, { timeoutMs, intervalMs: 100 });
}
