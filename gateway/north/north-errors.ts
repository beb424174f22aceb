/**
 * The setting to fix when the north link cannot connect for a reason that retrying will not heal:
 * the broker refused the login, or its TLS certificate did not verify. The raw messages
 * ("Connection refused: Not authorized", "unable to verify the first certificate") do not say
 * which setting is wrong; north.lastError and the log should.
 *
 * Keyed by the error's `code`: the CONNACK return code (MQTT 3.1.1) or reason code (MQTT 5) that
 * mqtt.js sets on its ErrorWithReasonCode, or the code Node sets on a TLS verification error. Only
 * for connect errors: a PUBACK 0x87 (a publish outside the ACL) has the same code as a refused
 * login, and is no login problem.
 */

type Explain = (message: string) => string;

const loginRefused: Explain = (m) => `check north.username and north.password (the broker refused the login: ${m})`;
const untrustedCertificate: Explain = (m) => `check north.tls.caFile: it must hold the CA that signed the broker's certificate (${m})`;
const wrongHostName: Explain = (m) => `check the host name in north.url: the broker's certificate is not issued for it (${m})`;
const outOfDate: Explain = (m) => `check the dates of the broker's certificate and of the CA in north.tls.caFile (${m})`;

const settingsByCode: ReadonlyMap<number | string, Explain> = new Map<number | string, Explain>([
  [4, loginRefused], // MQTT 3.1.1 CONNACK: bad user name or password
  [5, loginRefused], // MQTT 3.1.1 CONNACK: not authorized
  [0x86, loginRefused], // MQTT 5 CONNACK: bad user name or password
  [0x87, loginRefused], // MQTT 5 CONNACK: not authorized
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', untrustedCertificate],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', untrustedCertificate],
  ['SELF_SIGNED_CERT_IN_CHAIN', untrustedCertificate],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', untrustedCertificate],
  ['ERR_TLS_CERT_ALTNAME_INVALID', wrongHostName],
  ['CERT_HAS_EXPIRED', outOfDate],
  ['CERT_NOT_YET_VALID', outOfDate],
]);

/** What to tell the operator about a failed connect, or undefined when no setting explains it. */
export function settingToFix(connectError: unknown): string | undefined {
  if (!(connectError instanceof Error)) return undefined;
  const code = (connectError as Error & { code?: unknown }).code;
  if (typeof code !== 'number' && typeof code !== 'string') return undefined;
  return settingsByCode.get(code)?.(connectError.message);
}
