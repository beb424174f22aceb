/**
 * The gateway's local MQTT 3.1.1 broker for plant devices (issue 6): PDAs and shelf sensors log in
 * with their own id as the username and the password of their master-data record, and are held to
 * their own topics (device-acl.ts). What they publish is handed to `onMessage`; the gateway
 * answers with publish() (decisions, QoS 1). Plain MQTT, MQTTS or both. Access policy is aedes
 * hooks, as in the cloud's embedded broker.
 *
 * A scrypt check costs tens of ms, so a fleet reconnecting after a Wi-Fi drop would queue for
 * seconds: a password that verified once is remembered (as sha256, per device) until the device's
 * record changes (disconnectDevice forgets it).
 */
import { createHash } from 'node:crypto';
import type { AedesOptions, Client } from 'aedes';
import type { Logger } from 'pino';
import { CONNACK, connackRefusal, serveBroker } from '../../connectors/mqtt/broker-listeners.ts';
import { deviceId as deviceIdSchema } from '../../devices/scan-protocol.ts';
import { compileDeviceAcl, deviceChannelOf, type DeviceAcl } from './device-acl.ts';

export interface DeviceBrokerTls {
  /** 0 picks a free port. */
  port: number;
  /** PEM server certificate (chain) and private key. */
  cert: string | Buffer;
  key: string | Buffer;
}

export interface DeviceBrokerOptions {
  host: string;
  /** Plain MQTT listener; 0 picks a free port. */
  port: number;
  /** MQTTS listener beside the plain one. */
  tls?: DeviceBrokerTls;
  /** Whether `password` is the device's (username = device id); false for an unknown or disabled device. */
  verify(username: string, password: string): Promise<boolean>;
  logger: Logger;
  /** A scan or reading a device published on its own topic (the ACL let it through). */
  onMessage(deviceId: string, channel: 'scan' | 'reading', payload: Buffer): void;
  /** Most remembered verifications (default 10,000); the oldest is forgotten first. */
  maxCachedLogins?: number;
}

export interface DeviceBrokerStats {
  port: number;
  tlsPort: number | undefined;
  /** Devices connected now. */
  connected: number;
  /** Logins refused (unknown device, wrong password, a Will outside its topics). */
  authFailures: number;
  /** Publishes refused by the device ACL (each closed the connection). */
  publishRefusals: number;
  /** Subscriptions refused by the device ACL (SUBACK failure). */
  subscribeRefusals: number;
  /** Scans and readings handed to onMessage. */
  messages: number;
  /** Decisions published to devices. */
  published: number;
  /** Logins answered from the verification cache (no scrypt). */
  cachedLogins: number;
  tlsHandshakeFailures: number;
}

export interface DeviceBroker {
  readonly port: number;
  readonly tlsPort: number | undefined;
  /** Publishes to a device topic at QoS 1 (a decision); resolves when the broker has routed it. */
  publish(topic: string, payload: string | Buffer): Promise<void>;
  /** Drops every session of the device and forgets its remembered login; returns how many sessions. */
  disconnectDevice(deviceId: string): number;
  stats(): DeviceBrokerStats;
  /** Disconnects every device, stops listening and stops the broker. */
  close(): Promise<void>;
}

const sha256 = (password: Buffer) => createHash('sha256').update(password).digest('base64');

export async function startDeviceBroker(options: DeviceBrokerOptions): Promise<DeviceBroker> {
  const { host, port, tls, verify, logger, onMessage } = options;
  const maxCachedLogins = options.maxCachedLogins ?? 10_000;
  const { Aedes } = await import('aedes');
  const counts = { authFailures: 0, publishRefusals: 0, subscribeRefusals: 0, messages: 0, published: 0, cachedLogins: 0, tlsHandshakeFailures: 0 };
  const sessions = new WeakMap<Client, { deviceId: string; acl: DeviceAcl }>();
  const clientsByDevice = new Map<string, Set<Client>>();
  const willTopics = new WeakMap<Client, string>();
  /** `deviceId` -> sha256 of the password that verified; a Map keeps insertion order for eviction. */
  const verified = new Map<string, string>();

  const remember = (deviceId: string, digest: string) => {
    verified.delete(deviceId);
    verified.set(deviceId, digest);
    if (verified.size > maxCachedLogins) verified.delete(verified.keys().next().value!);
  };

  const check = async (username: string, password: Buffer): Promise<boolean> => {
    const digest = sha256(password);
    if (verified.get(username) === digest) {
      counts.cachedLogins++;
      return true;
    }
    const ok = await verify(username, password.toString('utf8'));
    if (ok) remember(username, digest);
    return ok;
  };

  const preConnect: AedesOptions['preConnect'] = (client, packet, done) => {
    if (packet.will) willTopics.set(client, packet.will.topic);
    done(null, true);
  };

  const authenticate: AedesOptions['authenticate'] = (client, username, password, done) => {
    const refuse = (why: string, returnCode: number) => {
      counts.authFailures++;
      logger.warn({ clientId: client.id, username }, `device login refused: ${why}`);
      done(connackRefusal(why, returnCode), null);
    };
    if (username === undefined || !deviceIdSchema.safeParse(username).success || !password) {
      refuse('the username must be the device id and a password is required', CONNACK.BAD_USERNAME_OR_PASSWORD);
      return;
    }
    check(username, password).then((ok) => {
      if (!ok) {
        refuse('bad username or password', CONNACK.BAD_USERNAME_OR_PASSWORD);
        return;
      }
      const acl = compileDeviceAcl(username);
      const willTopic = willTopics.get(client);
      // Refused at CONNECT, not dropped at death, so a misconfigured device hears of it at once
      // [MQTT-3.1.2-19 lets the server refuse a CONNECT for its Will].
      if (willTopic !== undefined && !acl.mayPublish(willTopic)) {
        counts.publishRefusals++;
        refuse(`the Will topic ${willTopic} is not one of the device's own topics`, CONNACK.NOT_AUTHORIZED);
        return;
      }
      sessions.set(client, { deviceId: username, acl });
      let clients = clientsByDevice.get(username);
      if (!clients) clientsByDevice.set(username, clients = new Set());
      // aedes emits clientDisconnect only for registered clients; prune any that closed unseen.
      for (const known of clients) if (known.closed) clients.delete(known);
      clients.add(client);
      done(null, true);
    }, (error: unknown) => {
      counts.authFailures++;
      logger.error({ err: error, clientId: client.id, username }, 'device login failed: credential check error');
      done(connackRefusal('Server unavailable', CONNACK.SERVER_UNAVAILABLE), null);
    });
  };

  const authorizePublish: AedesOptions['authorizePublish'] = (client, packet, done) => {
    // client is null only for a Will left by an earlier broker instance (memory persistence: never).
    const session = client ? sessions.get(client) : undefined;
    if (!client || !session || !session.acl.mayPublish(packet.topic)) {
      counts.publishRefusals++;
      logger.warn({ clientId: client?.id, device: session?.deviceId, topic: packet.topic }, 'device publish refused: a device publishes only devices/<its id>/scan and /reading');
      // MQTT 3.1.1 cannot refuse a PUBLISH to the sender; aedes closes the connection [MQTT-3.3.5-2].
      done(new Error(`Not authorized to publish to ${packet.topic}`));
      return;
    }
    done(null);
  };

  const authorizeSubscribe: AedesOptions['authorizeSubscribe'] = (client, subscription, done) => {
    const session = sessions.get(client);
    if (!session || !session.acl.maySubscribe(subscription.topic)) {
      counts.subscribeRefusals++;
      logger.warn({ clientId: client.id, device: session?.deviceId, topic: subscription.topic }, 'device subscription refused: a device subscribes only to devices/<its id>/decision');
      // A null subscription is a SUBACK failure (0x80) for this filter only [MQTT-3.9.3]; the session stays up.
      done(null, null);
      return;
    }
    done(null, subscription);
  };

  const broker = await Aedes.createBroker({ preConnect, authenticate, authorizePublish, authorizeSubscribe });
  broker.on('publish', (packet, client) => {
    if (!client) return; // the gateway's own decisions and $SYS
    const session = sessions.get(client);
    const channel = session && deviceChannelOf(session.deviceId, packet.topic);
    if (!session || !channel) return;
    counts.messages++;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    try {
      onMessage(session.deviceId, channel, payload);
    } catch (error) {
      logger.error({ err: error, device: session.deviceId, channel }, 'a device message handler threw (a bug); the message is lost');
    }
  });
  broker.on('clientError', (client, error) => logger.debug({ clientId: client.id, err: error }, 'device MQTT client error'));
  broker.on('connectionError', (client, error) => logger.debug({ clientId: client.id, err: error }, 'device MQTT connection error'));
  broker.on('clientDisconnect', (client) => {
    const session = sessions.get(client);
    if (session) clientsByDevice.get(session.deviceId)?.delete(client);
  });

  // Nagle's algorithm is off: a scanner waits on each decision.
  const listeners = await serveBroker(broker, {
    host, port, ...(tls ? { tls: { port: tls.port, cert: tls.cert, key: tls.key } } : {}), logger, label: 'device MQTT',
    onTlsHandshakeFailure: () => { counts.tlsHandshakeFailures++; },
  });
  const actualPort = listeners.port!;
  const actualTlsPort = listeners.tlsPort;

  return {
    port: actualPort,
    tlsPort: actualTlsPort,
    publish(topic, payload) {
      return new Promise((resolve, reject) => {
        broker.publish({ cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: 1, retain: false, dup: false }, (error) => {
          if (error) reject(error);
          else {
            counts.published++;
            resolve();
          }
        });
      });
    },
    disconnectDevice(deviceId) {
      verified.delete(deviceId);
      const clients = clientsByDevice.get(deviceId);
      if (!clients) return 0;
      clientsByDevice.delete(deviceId);
      for (const client of clients) client.close();
      return clients.size;
    },
    stats: () => ({ port: actualPort, tlsPort: actualTlsPort, connected: broker.connectedClients, ...counts }),
    close: () => listeners.close(),
  };
}
