/**
 * The OPC UA PKI store on disk, as node-opcua's OPCUACertificateManager lays it out:
 * `trusted/certs/` (server certificates we accept), `rejected/` (unknown ones a connect attempt
 * met, waiting for an engineer's decision), `own/` (the gateway's own certificate and key).
 * For the CLI and the admin UI: list what is there, trust a rejected certificate. The port
 * opens the store afresh on every connect attempt, so a certificate trusted here is used by
 * the next reconnect, without restarting the gateway.
 *
 * Plain node:crypto and node:fs, no node-opcua: `edgestock certs` loads this file alone.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorError } from '../errors.ts';

export interface CertificateInfo {
  /** SHA-1 of the DER bytes, lower-case hex without separators (as node-opcua names files). */
  thumbprint: string;
  subject: string;
  /** ISO 8601 */
  validFrom: string;
  validTo: string;
  file: string;
}

export interface CertificateListing {
  trusted: CertificateInfo[];
  rejected: CertificateInfo[];
}

/** Where the connector keeps its PKI under the gateway's data dir. */
export const pkiDirOf = (dataDir: string) => join(dataDir, 'pki');

const folders = { trusted: ['trusted', 'certs'], rejected: ['rejected'] } as const;
const certificateFile = /\.(pem|der|crt|cer)$/i;

async function readFolder(dir: string): Promise<CertificateInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const infos: CertificateInfo[] = [];
  for (const name of names.filter((n) => certificateFile.test(n)).sort()) {
    const file = join(dir, name);
    try {
      const certificate = new X509Certificate(await readFile(file));
      infos.push({
        thumbprint: certificate.fingerprint.replaceAll(':', '').toLowerCase(),
        subject: certificate.subject.replaceAll('\n', ', '),
        validFrom: new Date(certificate.validFrom).toISOString(),
        validTo: new Date(certificate.validTo).toISOString(),
        file,
      });
    } catch {
      // Not a certificate (a half-written file, a lock file): nothing to list.
    }
  }
  return infos;
}

export async function listCertificates(pkiDir: string): Promise<CertificateListing> {
  const [trusted, rejected] = await Promise.all([
    readFolder(join(pkiDir, ...folders.trusted)),
    readFolder(join(pkiDir, ...folders.rejected)),
  ]);
  return { trusted, rejected };
}

/** Moves a rejected certificate into trusted/certs/. Throws when no rejected certificate has that thumbprint. */
export async function trustCertificate(pkiDir: string, thumbprint: string): Promise<CertificateInfo> {
  const wanted = thumbprint.replaceAll(':', '').toLowerCase();
  const { rejected, trusted } = await listCertificates(pkiDir);
  const already = trusted.find((c) => c.thumbprint === wanted);
  if (already) return already;
  const certificate = rejected.find((c) => c.thumbprint === wanted);
  if (!certificate) {
    const known = rejected.map((c) => `${c.thumbprint} (${c.subject})`).join('; ') || 'none';
    throw new ConnectorError('CERTIFICATE_UNTRUSTED', `no rejected certificate has thumbprint ${wanted} in ${pkiDir}; rejected: ${known}`);
  }
  const trustedDir = join(pkiDir, ...folders.trusted);
  await mkdir(trustedDir, { recursive: true });
  const target = join(trustedDir, certificate.file.split(/[\\/]/).pop()!);
  await rename(certificate.file, target);
  return { ...certificate, file: target };
}
