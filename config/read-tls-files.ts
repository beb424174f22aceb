/** Reads the PEM files a TLS config names (config/ is the one place that reads files). */
import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import type { ClientTlsConfig, ServerTlsConfig } from './tls-schema.ts';

export interface ServerTlsFiles {
  cert: Buffer;
  key: Buffer;
}

export interface ClientTlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

function reader(configPath: string, problems: ConfigProblem[]) {
  return (key: string, file: string | undefined): Buffer | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      problems.push({ path: `${configPath}.${key}`, message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path` });
      return undefined;
    }
  };
}

/** `configPath` (e.g. "http.tls") names the setting in any error. */
export function readServerTlsFiles(tls: ServerTlsConfig, configPath: string): ServerTlsFiles {
  const problems: ConfigProblem[] = [];
  const read = reader(configPath, problems);
  const cert = read('certFile', tls.certFile);
  const key = read('keyFile', tls.keyFile);
  if (problems.length > 0 || !cert || !key) throw new ConfigError(configPath, problems);
  return { cert, key };
}

export function readClientTlsFiles(tls: ClientTlsConfig, configPath: string): ClientTlsFiles {
  const problems: ConfigProblem[] = [];
  const read = reader(configPath, problems);
  const files: ClientTlsFiles = {
    ca: read('caFile', tls.caFile), cert: read('certFile', tls.certFile), key: read('keyFile', tls.keyFile), rejectUnauthorized: tls.rejectUnauthorized,
  };
  if (problems.length > 0) throw new ConfigError(configPath, problems);
  return files;
}
