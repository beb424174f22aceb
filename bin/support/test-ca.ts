/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 / localhost, made with
 * the openssl CLI (Node's crypto makes keys but not X.509 certificates), for tests and demos of
 * MQTTS and HTTPS. Files are world-readable so mosquitto (which drops to its own user) can use them.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  /** The CA certificate clients trust. */
  caFile: string;
  /** Server certificate (subjectAltName IP:127.0.0.1, DNS:localhost) and its key. */
  certFile: string;
  keyFile: string;
  /** A second CA that signed nothing here: trusting it must not be enough. */
  otherCaFile: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed (is the openssl CLI installed? apt-get install -y openssl): ${stderr || String(error)}`);
  }
}

function selfSignedCa(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=edgestock test ${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
}

/** Writes ca.crt, server.crt, server.key (and other-ca.crt) into `dir`. */
export function createTestCa(dir: string): TestCa {
  selfSignedCa(dir, 'ca');
  selfSignedCa(dir, 'other-ca');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1',
    '-keyout', 'server.key', '-out', 'server.csr'], dir);
  writeFileSync(join(dir, 'server.ext'), [
    'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost', '',
  ].join('\n'));
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-extfile', 'server.ext', '-out', 'server.crt'], dir);
  chmodSync(dir, 0o755);
  for (const file of ['ca.crt', 'other-ca.crt', 'server.crt', 'server.key']) chmodSync(join(dir, file), 0o644);
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key'), otherCaFile: join(dir, 'other-ca.crt') };
}
