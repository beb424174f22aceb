/**
 * The connector list the cloud pushed last (config.apply), kept in `<dataDir>/applied-connectors.json`
 * so a restarted gateway runs what it acknowledged, not the older list in its site file. Written to
 * a temporary file, synced and renamed over the old one: a crash leaves the old or the new file,
 * never half of one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const PUSHED_CONFIG_FILE = 'applied-connectors.json';

export interface PushedConfig {
  version: number;
  connectors: unknown[];
  appliedAt: number;
}

export function pushedConfigPath(dataDir: string): string {
  return join(dataDir, PUSHED_CONFIG_FILE);
}

/** The stored list, undefined when none was ever applied; throws with the reason when the file is damaged. */
export function readPushedConfig(dataDir: string): PushedConfig | undefined {
  let text: string;
  try {
    text = readFileSync(pushedConfigPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<PushedConfig>;
  if (!Number.isInteger(parsed.version) || !Array.isArray(parsed.connectors)) {
    throw new Error(`${pushedConfigPath(dataDir)} has no version number or connector list`);
  }
  return { version: parsed.version!, connectors: parsed.connectors, appliedAt: parsed.appliedAt ?? 0 };
}

export function writePushedConfig(dataDir: string, config: PushedConfig): void {
  writeFileAtomic(pushedConfigPath(dataDir), JSON.stringify(config, null, 2));
}

/** Writes a temporary file beside `file`, syncs it and renames it over `file`. */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
