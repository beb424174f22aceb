/**
 * `edgestock certs list|trust --config FILE`: the gateway's OPC UA certificate store
 * (`<gateway.dataDir>/pki`). A server certificate the gateway has not seen before waits in
 * rejected/ until an engineer compares its thumbprint with the server's and trusts it; the
 * running gateway uses it at its next connect attempt, without a restart.
 *
 * Reads only the config and the store (certificate-store.ts, no node-opcua), so it is quick and
 * may run beside a running gateway.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../../config/config-error.ts';
import { loadSiteConfig } from '../../config/load-config.ts';
import type { SiteConfig } from '../../config/site-schema.ts';
import { listCertificates, pkiDirOf, trustCertificate, type CertificateInfo } from '../../connectors/opcua/certificate-store.ts';

export interface CertsOptions {
  config: string;
}

const thumbprintPattern = /^[0-9a-f]{40}$/;

/** Exit 2 with a message: bad input, as `config check` does. */
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function loadConfig(file: string): SiteConfig {
  try {
    return loadSiteConfig(file, process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

const day = (iso: string) => iso.slice(0, 10);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n');
}

export async function certsListCommand(opts: CertsOptions): Promise<void> {
  const config = loadConfig(opts.config);
  const pkiDir = resolve(pkiDirOf(config.gateway.dataDir));
  const { trusted, rejected } = await listCertificates(pkiDir);
  const print = (line = '') => process.stdout.write(`${line}\n`);
  print(`OPC UA certificates in ${pkiDir}`);
  if (!config.connectors.some((c) => c.protocol === 'opcua')) print(`(${opts.config} has no OPC UA connector)`);
  if (trusted.length + rejected.length === 0) {
    print('none yet: a server certificate appears here as rejected once the gateway has tried to connect to that server');
    return;
  }
  const now = new Date().toISOString();
  const row = (state: string, c: CertificateInfo) => [state, c.thumbprint, day(c.validFrom), `${day(c.validTo)}${c.validTo < now ? ' (expired)' : ''}`, c.subject];
  print();
  print(table([
    ['STATE', 'THUMBPRINT', 'VALID FROM', 'VALID TO', 'SUBJECT'],
    ...rejected.map((c) => row('rejected', c)),
    ...trusted.map((c) => row('trusted', c)),
  ]));
  if (rejected.length > 0) {
    print();
    print(`Compare the thumbprint with the one the server shows, then: edgestock certs trust <thumbprint> --config ${opts.config}`);
  }
}

export async function certsTrustCommand(thumbprint: string, opts: CertsOptions): Promise<void> {
  const wanted = thumbprint.replaceAll(':', '').toLowerCase();
  if (!thumbprintPattern.test(wanted)) {
    fail(`"${thumbprint}" is not a certificate thumbprint; expected 40 hex digits (the SHA-1 thumbprint "edgestock certs list" shows)`);
  }
  const config = loadConfig(opts.config);
  const pkiDir = resolve(pkiDirOf(config.gateway.dataDir));
  const { trusted, rejected } = await listCertificates(pkiDir);
  const already = trusted.find((c) => c.thumbprint === wanted);
  if (already) {
    process.stdout.write(`${wanted} is already trusted (${already.subject})\n`);
    return;
  }
  if (!rejected.some((c) => c.thumbprint === wanted)) {
    const waiting = rejected.map((c) => `  ${c.thumbprint}  ${c.subject}`).join('\n');
    fail(`no rejected certificate has thumbprint ${wanted} in ${pkiDir}; ${rejected.length === 0 ? 'none is waiting to be trusted' : `waiting to be trusted:\n${waiting}`}`);
  }
  const certificate = await trustCertificate(pkiDir, wanted);
  process.stdout.write(`trusted ${certificate.thumbprint} (${certificate.subject}), now ${certificate.file}\nA running gateway uses it at its next connect attempt; no restart needed.\n`);
}
