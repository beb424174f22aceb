/**
 * The cloud's side of MQTT from its config: the embedded broker (gateway credentials from the
 * store, seeded from the config; a fresh in-process ingest login) or an external broker's address.
 * Tells the composition root where the ingest connects and offers credential rotation.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { INGEST_USERNAME, type CloudConfig } from '../../config/cloud-schema.ts';
import { readClientTlsFiles, readServerTlsFiles, type ClientTlsFiles } from '../../config/read-tls-files.ts';
import { anyOf } from './broker-account.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { openGatewayCredentials, rotateGatewayCredential, type CredentialRotatedEvent, type GatewayCredentialRecord } from './gateway-credentials.ts';
import { staticCredentials } from './static-credentials.ts';

export interface CloudBrokerOptions {
  config: CloudConfig['broker'];
  /** The cloud's SQLite file; gateway credentials live there. */
  storeFile: string;
  logger: Logger;
  /** Called after each credential rotation (the audit log hooks in here); never given the password. */
  onCredentialRotated?: (event: CredentialRotatedEvent) => void;
}

export interface CloudBroker {
  /** What gateways connect to: the plain URL, else the MQTTS one (embedded), or the external broker's. */
  mqttUrl: string;
  /** The embedded broker's MQTTS URL, if it has one. */
  mqttsUrl: string | undefined;
  /** Where and how the in-process ingest connects. */
  ingest: { url: string; username?: string; password?: string; tls?: ClientTlsFiles };
  stats(): object;
  /**
   * A new password for this gateway (returned once, stored hashed), effective for its next login;
   * its current sessions are dropped. Throws UnknownGatewayError, or when the broker is external
   * (rotate it there).
   */
  rotateGatewayCredential(username: string): Promise<string>;
  /** Gateways with a stored credential, without secrets. Empty for an external broker. */
  listGateways(): GatewayCredentialRecord[];
  close(): Promise<void>;
}

export class ExternalBrokerCredentialsError extends Error {
  constructor() {
    super('Gateway credentials live on the external broker (broker.mode: external); rotate them there');
    this.name = 'ExternalBrokerCredentialsError';
  }
}

export async function startCloudBroker({ config, storeFile, logger, onCredentialRotated }: CloudBrokerOptions): Promise<CloudBroker> {
  if (config.mode === 'external') {
    return {
      mqttUrl: config.url,
      mqttsUrl: undefined,
      ingest: {
        url: config.url, username: config.username, password: config.password,
        tls: config.tls ? readClientTlsFiles(config.tls, 'broker.tls') : undefined,
      },
      stats: () => ({ mode: 'external' }),
      rotateGatewayCredential: () => Promise.reject(new ExternalBrokerCredentialsError()),
      listGateways: () => [],
      close: async () => {},
    };
  }

  const tlsFiles = config.tls ? readServerTlsFiles(config.tls, 'broker.tls') : undefined;
  const credentials = openGatewayCredentials(storeFile);
  try {
    const seeded = await credentials.seed(config.users);
    if (seeded.replacedFromConfig.length > 0) logger.info({ usernames: seeded.replacedFromConfig }, 'gateway passwords changed in the config replace the stored ones');
    if (seeded.removed.length > 0) logger.info({ usernames: seeded.removed }, 'gateways no longer in the config can no longer log in');
    // The in-process ingest logs in with a credential made fresh at each start, so no config
    // file has to carry it.
    const ingestLogin = { username: INGEST_USERNAME, password: randomBytes(24).toString('base64url') };
    const broker = await startEmbeddedBroker({
      // TLS only (plain: false): the ingest still needs a way in; a plain listener on loopback
      // only, which no remote gateway can reach.
      host: config.plain ? config.host : '127.0.0.1',
      port: config.plain ? config.port : 0,
      tls: tlsFiles && config.tls ? { host: config.host, port: config.tls.port, ...tlsFiles } : undefined,
      credentials: anyOf(staticCredentials([{ role: 'service', ...ingestLogin }]), credentials),
      logger,
    });
    const hostForUrl = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    const mqttsUrl = broker.tlsPort === undefined ? undefined : `mqtts://${hostForUrl}:${broker.tlsPort}`;
    const plainUrl = `mqtt://${config.plain ? hostForUrl : '127.0.0.1'}:${broker.port}`;
    return {
      mqttUrl: config.plain ? plainUrl : mqttsUrl!,
      mqttsUrl,
      ingest: { url: plainUrl, ...ingestLogin },
      stats: () => ({ mode: 'embedded', ...broker.stats() }),
      rotateGatewayCredential: (username) => rotateGatewayCredential({ credentials, broker, onRotated: onCredentialRotated, logger }, username),
      listGateways: () => credentials.list(),
      async close() {
        await broker.close();
        credentials.close();
      },
    };
  } catch (error) {
    credentials.close();
    throw error;
  }
}
