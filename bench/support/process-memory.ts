/** Peak and current resident memory of a process, from Linux /proc (VmHWM, VmRSS). */
import { readFileSync } from 'node:fs';

export function processMemoryMiB(pid: number): { peakRssMiB: number; rssMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakRssMiB: round(kib('VmHWM') / 1024), rssMiB: round(kib('VmRSS') / 1024) };
  } catch {
    return undefined;
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
