/**
 * The host application's MQTT connection and its STATE lifecycle (Sparkplug 3.0, "Sparkplug Host
 * Application Session Establishment" and "... Termination"): every CONNECT registers the offline
 * STATE as its Will; once connected it subscribes to spBv1.0/#, then publishes the online STATE;
 * close() publishes the offline STATE and disconnects. What arrives is handed to `onMessage`.
 */
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { STATE_PUBLISH, type HostState } from './host-state.ts';

export interface HostConnectionOptions {
  /** mqtt://host:port or mqtts://host:port */
  url: string;
  username?: string;
  password?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  clientId: string;
  protocolVersion: 4 | 5;
  reconnectPeriodMs: number;
  /** How long connect waits for the first subscription before resolving anyway. */
  startTimeoutMs: number;
  host: HostState;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Handled synchronously, so a QoS 1 message is applied before mqtt.js acknowledges it. */
  onMessage: (topic: string, payload: Buffer, retained: boolean) => void;
  /**
   * Subscribed and the online STATE published: the host may send commands now. `sessionPresent`
   * false: the broker kept nothing of an earlier session of ours (first start, or the broker lost
   * it), so whatever happened meanwhile was not queued for us.
   */
  onOnline: (sessionPresent: boolean) => void;
  /** The connection is gone (reconnecting, or closed). */
  onOffline: () => void;
}

export interface HostConnection {
  /**
   * Resolves once subscribed and online, or after startTimeoutMs (the client keeps retrying);
   * rejects when the broker refuses the login.
   */
  readonly started: Promise<void>;
  readonly connected: boolean;
  /** Our STATE says online on this connection. */
  readonly online: boolean;
  /** Online STATE messages published so far. */
  readonly stateBirths: number;
  publish(topic: string, payload: Buffer, qos: 0 | 1): void;
  /** Publishes the online STATE again (host.receive said 'republish'). */
  republishBirth(): void;
  /** Offline STATE, then DISCONNECT [tck-id-operational-behavior-host-application-disconnect-intentional]. */
  close(): Promise<void>;
}

// [tck-id-host-topic-phid-birth-sub-required] covers every edge node and our own STATE topic.
const SUBSCRIPTION = 'spBv1.0/#';
/** MQTT 5 only: how long the broker keeps our session (and queues QoS 1 for it) while we are away. */
const SESSION_EXPIRY_S = 24 * 3600;
/** How long close() waits for the broker to acknowledge our offline STATE, then for a clean DISCONNECT. */
const CLOSE_STEP_TIMEOUT_MS = 2000;

/** MQTT 3.1.1 CONNACK 4 and 5 [MQTT-3.2.2-3]; MQTT 5 reason codes 0x86 and 0x87: retrying will not help. */
const LOGIN_REFUSED = new Set([4, 5, 0x86, 0x87]);

export function openHostConnection(options: HostConnectionOptions): HostConnection {
  const { url, host, logger } = options;
  let connected = false;
  let online = false;
  let stateBirths = 0;

  host.connecting(Date.now());
  const clientOptions: IClientOptions = {
    protocolVersion: options.protocolVersion,
    clientId: options.clientId,
    // A deliberate departure from [tck-id-message-flow-phid-sparkplug-clean-session-311] and
    // [tck-id-message-flow-phid-sparkplug-clean-session-50], which want a clean session: with a
    // persistent one the broker queues the QoS 1 DATA and the NDEATH Wills published while the
    // ingest restarts, so nothing is lost and the session table stays true. What a clean session
    // would buy, a fresh view of every node, comes from asking each node whose birth this process
    // has not seen to rebirth; aliases and sessions are kept in SQLite meanwhile.
    clean: false,
    ...(options.protocolVersion === 5 ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
    // [tck-id-host-topic-phid-death-required] [tck-id-operational-behavior-host-application-connect-will]
    will: host.will(),
    username: options.username,
    password: options.password,
    reconnectPeriod: options.reconnectPeriodMs,
    resubscribe: false, // we subscribe on every connect (a broker restart loses the session)
    ...options.tls,
  };
  const client: MqttClient = mqtt.connect(url, clientOptions);

  const publishBirth = () => {
    stateBirths++;
    client.publish(host.topic, host.online(), STATE_PUBLISH);
  };

  // mqtt.js builds each CONNECT from client.options right after 'reconnect': every connection is a
  // new host session with its own timestamp [tck-id-host-topic-phid-death-payload-timestamp-connect].
  client.on('reconnect', () => {
    host.connecting(Date.now());
    client.options.will = host.will();
  });
  client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => options.onMessage(topic, payload, packet.retain === true));
  client.on('close', () => {
    if (connected) logger.warn({ url }, 'MQTT connection to the broker lost; reconnecting');
    connected = false;
    online = false;
    options.onOffline();
  });
  client.on('error', (error) => logger.warn({ err: error, url }, 'MQTT client error'));

  let onStartError: ((error: Error & { code?: number }) => void) | undefined;
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      logger.warn({ url }, 'broker not reachable yet; the ingest keeps retrying');
      resolve();
    }, options.startTimeoutMs);
    client.on('connect', (connack) => {
      connected = true;
      (client.stream as Socket).setNoDelay?.(true); // Nagle adds tens of ms per frame (TOOLCHAIN.md)
      // Subscribe first, then say online [tck-id-message-flow-phid-sparkplug-subscription]
      // [tck-id-host-topic-phid-birth-required].
      client.subscribe(SUBSCRIPTION, { qos: 1 }, (error) => {
        if (error) {
          logger.error({ err: error }, `cannot subscribe to ${SUBSCRIPTION}`);
          return;
        }
        publishBirth();
        online = true;
        logger.info({ url, topic: SUBSCRIPTION, state: host.topic }, 'Sparkplug host application subscribed and online');
        options.onOnline(connack.sessionPresent === true);
        clearTimeout(timer);
        resolve();
      });
    });
    // Refused credentials will not heal by retrying: fail the start.
    onStartError = (error) => {
      if (error.code === undefined || !LOGIN_REFUSED.has(error.code)) return;
      clearTimeout(timer);
      client.end(true);
      reject(new Error(`The broker at ${url} refused the ingest's login (${error.message}); check the broker credentials`));
    };
    client.on('error', onStartError);
  });
  const startedOrRefused = started.finally(() => client.off('error', onStartError!));

  /** `work`, or 'timeout' after CLOSE_STEP_TIMEOUT_MS: a broker that stopped answering must not hold up shutdown. */
  async function withinCloseTimeout<T>(work: Promise<T>): Promise<T | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), CLOSE_STEP_TIMEOUT_MS); });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  async function publishOffline(): Promise<void> {
    const outcome = await withinCloseTimeout(client.publishAsync(host.topic, host.offline(), STATE_PUBLISH).then(() => 'sent' as const))
      .catch((error: Error) => {
        logger.warn({ err: error }, 'could not publish the offline STATE; the broker publishes our Will instead');
        return 'failed' as const;
      });
    if (outcome === 'timeout') logger.warn({ url }, 'the broker did not acknowledge the offline STATE in time');
  }

  let closing: Promise<void> | undefined;
  return {
    started: startedOrRefused,
    get connected() { return connected; },
    get online() { return online; },
    get stateBirths() { return stateBirths; },
    publish: (topic, payload, qos) => { client.publish(topic, payload, { qos }); },
    republishBirth: publishBirth,
    close() {
      closing ??= (async () => {
        // Offline first: the broker echoes our own offline STATE back to us (we subscribe to
        // spBv1.0/#), and while still online we would answer it with a new birth.
        const wasOnline = online;
        online = false;
        if (client.connected && wasOnline) await publishOffline();
        // A graceful end waits until every in-flight QoS 1 message is acknowledged, which never
        // happens while the broker is away: then end at once.
        if (!client.connected || await withinCloseTimeout(client.endAsync()) === 'timeout') await client.endAsync(true);
      })();
      return closing;
    },
  };
}
