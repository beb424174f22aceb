/**
 * The cloud's embedded MQTT 3.1.1 broker (aedes), for sites that do not run their own.
 * Every client logs in with a credential the injected verifier knows; a gateway is then held to
 * its own topics (gateway-acl.ts). Access policy is aedes hooks. Plain MQTT, MQTTS or both.
 */
import type { AedesOptions, Client } from 'aedes';
import type { Logger } from 'pino';
import { CONNACK, connackRefusal, serveBroker } from '../../connectors/mqtt/broker-listeners.ts';
import type { BrokerAccount, CredentialVerifier } from './broker-account.ts';
import { compileGatewayAcl, type GatewayAcl } from './gateway-acl.ts';

export interface EmbeddedBrokerTls {
  /** Defaults to the plain listener's host. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM server certificate (chain) and private key. */
  cert: string | Buffer;
  key: string | Buffer;
}

export interface EmbeddedBrokerOptions {
  host: string;
  /** Plain MQTT listener; 0 picks a free port; omitted: no plain listener (MQTTS only). */
  port?: number;
  /** MQTTS listener, alongside or instead of the plain one. */
  tls?: EmbeddedBrokerTls;
  credentials: CredentialVerifier;
  logger: Logger;
}

export interface EmbeddedBrokerStats {
  /** Plain listener port, if any. */
  port: number | undefined;
  tlsPort: number | undefined;
  connectedClients: number;
  /** Messages published by clients and let through since start. */
  messagesPublished: number;
  /** Logins refused (bad username or password, or a Will the account may not publish). */
  authFailures: number;
  /** Publishes (Wills included) refused by the gateway ACL. */
  publishRefusals: number;
  /** Subscriptions refused by the gateway ACL. */
  subscribeRefusals: number;
  /** TLS handshakes that failed (wrong CA on the client, plain MQTT on the TLS port, ...). */
  tlsHandshakeFailures: number;
}

export interface EmbeddedBroker {
  /** Plain listener port, if one was asked for. */
  readonly port: number | undefined;
  /** MQTTS listener port, if one was asked for. */
  readonly tlsPort: number | undefined;
  stats(): EmbeddedBrokerStats;
  /** Drops every session logged in as this user (after its credential changed); returns how many. */
  disconnectUser(username: string): number;
  /** Disconnect every client, stop listening and stop the broker. */
  close(): Promise<void>;
}

interface Session {
  account: BrokerAccount;
  /** undefined for services: they may do everything. */
  acl: GatewayAcl | undefined;
}

export async function startEmbeddedBroker({ host, port, tls, credentials, logger }: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  if (port === undefined && tls === undefined) throw new Error('The embedded broker needs a plain port, a TLS listener or both');
  const { Aedes } = await import('aedes');
  const counts = { messagesPublished: 0, authFailures: 0, publishRefusals: 0, subscribeRefusals: 0, tlsHandshakeFailures: 0 };
  const sessions = new WeakMap<Client, Session>();
  const clientsByUser = new Map<string, Set<Client>>();
  /** The Will topic from each CONNECT, seen before authenticate (which does not get the packet). */
  const willTopics = new WeakMap<Client, string>();

  const preConnect: AedesOptions['preConnect'] = (client, packet, done) => {
    if (packet.will) willTopics.set(client, packet.will.topic);
    done(null, true);
  };

  const authenticate: AedesOptions['authenticate'] = (client, username, password, done) => {
    credentials.verify(username, password).then((account) => {
      if (!account) {
        counts.authFailures++;
        logger.warn({ clientId: client.id, username }, 'MQTT login refused: bad username or password');
        done(connackRefusal('Bad username or password', CONNACK.BAD_USERNAME_OR_PASSWORD), null);
        return;
      }
      const acl = account.role === 'gateway' ? compileGatewayAcl(account) : undefined;
      const willTopic = willTopics.get(client);
      // Refused at CONNECT rather than silently dropped at death, so a misconfigured gateway
      // hears about it at once [MQTT-3.1.2-19 lets the server refuse a CONNECT for its Will].
      if (acl && willTopic !== undefined && !acl.mayPublish(willTopic)) {
        counts.authFailures++;
        counts.publishRefusals++;
        logger.warn({ clientId: client.id, username, topic: willTopic }, 'MQTT login refused: the Will topic is outside this gateway\'s topics');
        done(connackRefusal('Not authorized: Will topic', CONNACK.NOT_AUTHORIZED), null);
        return;
      }
      sessions.set(client, { account, acl });
      let clients = clientsByUser.get(account.username);
      if (!clients) clientsByUser.set(account.username, clients = new Set());
      // aedes emits clientDisconnect only for registered clients; prune any that closed unseen.
      for (const known of clients) if (known.closed) clients.delete(known);
      clients.add(client);
      done(null, true);
    }, (error: unknown) => {
      counts.authFailures++;
      logger.error({ err: error, clientId: client.id, username }, 'MQTT login failed: credential check error');
      done(connackRefusal('Server unavailable', CONNACK.SERVER_UNAVAILABLE), null);
    });
  };

  const authorizePublish: AedesOptions['authorizePublish'] = (client, packet, done) => {
    // aedes's default rule, kept: $SYS/ topics belong to the broker, clients do not publish there.
    if (packet.topic.startsWith('$SYS/')) {
      done(new Error('$SYS/ topics are reserved for the broker'));
      return;
    }
    // client is null only for a Will left by an earlier broker instance; every Will was checked
    // against the ACL when its CONNECT was accepted.
    const session = client ? sessions.get(client) : undefined;
    if (client && (!session || (session.acl && !session.acl.mayPublish(packet.topic)))) {
      counts.publishRefusals++;
      logger.warn({ clientId: client.id, username: session?.account.username, topic: packet.topic }, 'MQTT publish refused by the gateway ACL');
      // MQTT 3.1.1 cannot refuse a PUBLISH to the sender; aedes closes the connection [MQTT-3.3.5-2].
      done(new Error(`Not authorized to publish to ${packet.topic}`));
      return;
    }
    counts.messagesPublished++;
    done(null);
  };

  const authorizeSubscribe: AedesOptions['authorizeSubscribe'] = (client, subscription, done) => {
    const session = sessions.get(client);
    if (!session || (session.acl && !session.acl.maySubscribe(subscription.topic))) {
      counts.subscribeRefusals++;
      logger.warn({ clientId: client.id, username: session?.account.username, topic: subscription.topic }, 'MQTT subscription refused by the gateway ACL');
      // A null subscription is a SUBACK failure (0x80) for this filter only [MQTT-3.9.3]; the
      // session stays up.
      done(null, null);
      return;
    }
    done(null, subscription);
  };

  const broker = await Aedes.createBroker({ preConnect, authenticate, authorizePublish, authorizeSubscribe });
  broker.on('clientError', (client, error) => {
    logger.debug({ clientId: client.id, err: error }, 'MQTT client error');
  });
  broker.on('connectionError', (client, error) => {
    logger.debug({ clientId: client.id, err: error }, 'MQTT connection error');
  });
  broker.on('clientDisconnect', (client) => {
    const session = sessions.get(client);
    if (session) clientsByUser.get(session.account.username)?.delete(client);
  });

  // Nagle's algorithm adds tens of ms per message at low rates (TOOLCHAIN.md); the listeners turn it off.
  const listeners = await serveBroker(broker, {
    host, port, tls, logger, label: 'MQTT', onTlsHandshakeFailure: () => { counts.tlsHandshakeFailures++; },
  });
  const actualPort = listeners.port;
  const actualTlsPort = listeners.tlsPort;

  return {
    port: actualPort,
    tlsPort: actualTlsPort,
    stats: () => ({ port: actualPort, tlsPort: actualTlsPort, connectedClients: broker.connectedClients, ...counts }),
    disconnectUser(username) {
      const clients = clientsByUser.get(username);
      if (!clients) return 0;
      clientsByUser.delete(username);
      for (const client of clients) client.close();
      return clients.size;
    },
    close: () => listeners.close(),
  };
}
