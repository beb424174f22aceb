import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorWithReasonCode } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { createTestCa, type TestCa } from '../../bin/support/test-ca.ts';
import { startMosquitto, type MosquittoProcess } from '../../cloud/broker/mosquitto-process.ts';
import { connectWithMqttJs, type MqttConnectOptions } from './mqtt-port.ts';
import { settingToFix } from './north-errors.ts';

/** Why a connect failed, as the edge node catches it. */
async function connectError(options: Partial<MqttConnectOptions> & Pick<MqttConnectOptions, 'url'>): Promise<unknown> {
  try {
    const session = await connectWithMqttJs({
      clientId: `north-errors-${Math.random().toString(16).slice(2)}`, keepaliveS: 5, protocolVersion: 4, connectTimeoutMs: 5000,
      will: { topic: 'spBv1.0/g/NDEATH/e', payload: new Uint8Array(), qos: 1, retain: false }, ...options,
    });
    session.destroy();
  } catch (error) {
    return error;
  }
  throw new Error(`connecting to ${options.url} succeeded`);
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('settingToFix', { timeout: 30_000 }, () => {
  let dir: string;
  let ca: TestCa;
  let mosquitto: MosquittoProcess;
  let port: number;
  let tlsPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-north-errors-'));
    chmodSync(dir, 0o755); // mosquitto reads the certificates as its own user
    ca = createTestCa(dir);
    [port, tlsPort] = [await freePort(), await freePort()];
    mosquitto = await startMosquitto({ users: { edge: 'edge-password' }, port, tls: { port: tlsPort, certFile: ca.certFile, keyFile: ca.keyFile } });
  });

  afterAll(async () => {
    await mosquitto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names north.username and north.password when the broker refuses the login, over MQTT 3.1.1 and 5', async () => {
    for (const protocolVersion of [4, 5] as const) {
      const error = await connectError({ url: `mqtt://127.0.0.1:${port}`, username: 'edge', password: 'not-the-password', protocolVersion });
      expect(settingToFix(error)).toMatch(/^check north\.username and north\.password \(the broker refused the login: Connection refused: (Not authorized|Bad User ?Name or Password)\)$/i);
    }
  });

  it('names north.tls.caFile when the broker\'s certificate is not signed by the CA it trusts', async () => {
    const error = await connectError({
      url: `mqtts://127.0.0.1:${tlsPort}`, username: 'edge', password: 'edge-password',
      tls: { ca: readFileSync(ca.otherCaFile), rejectUnauthorized: true },
    });
    expect(settingToFix(error)).toMatch(/^check north\.tls\.caFile: it must hold the CA that signed the broker's certificate \(.*certificate.*\)$/);
  });

  it('names the setting for every refused login and failed certificate check, keeping the original message', () => {
    expect(settingToFix(new ErrorWithReasonCode('Connection refused: Bad User Name or Password', 0x86)))
      .toBe('check north.username and north.password (the broker refused the login: Connection refused: Bad User Name or Password)');
    expect(settingToFix(new ErrorWithReasonCode('Connection refused: Bad username or password', 4)))
      .toBe('check north.username and north.password (the broker refused the login: Connection refused: Bad username or password)');
    expect(settingToFix(withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT')))
      .toBe('check north.tls.caFile: it must hold the CA that signed the broker\'s certificate (self-signed certificate)');
    expect(settingToFix(withCode('Hostname/IP does not match certificate\'s altnames: Host: broker. is not in the cert\'s altnames: DNS:localhost', 'ERR_TLS_CERT_ALTNAME_INVALID')))
      .toMatch(/^check the host name in north\.url: the broker's certificate is not issued for it \(Hostname\/IP does not match/);
    expect(settingToFix(withCode('certificate has expired', 'CERT_HAS_EXPIRED')))
      .toBe('check the dates of the broker\'s certificate and of the CA in north.tls.caFile (certificate has expired)');
  });

  it('names no setting for errors that retrying may heal', async () => {
    const closedPort = await freePort();
    expect(settingToFix(await connectError({ url: `mqtt://127.0.0.1:${closedPort}` }))).toBeUndefined(); // ECONNREFUSED
    expect(settingToFix(new ErrorWithReasonCode('Connection refused: Server unavailable', 3))).toBeUndefined();
    expect(settingToFix(new Error('connection closed'))).toBeUndefined();
    expect(settingToFix('not an error')).toBeUndefined();
  });
});
