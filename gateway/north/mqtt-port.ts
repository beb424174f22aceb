/**
 * The narrow port over mqtt.js that the edge node uses (STYLE.md rule 3): one MQTT session per
 * connect, no automatic reconnect (the edge node needs a new Will, hence a new bdSeq, for every
 * session), every publish settles, and no socket error can escape as an uncaught exception.
 */
import mqtt, { type MqttClient } from 'mqtt';

export interface MqttWill {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1;
  retain: boolean;
}

/** TLS for mqtts:// URLs: PEM contents (the caller reads the files). */
export interface MqttTlsOptions {
  /** CA(s) that signed the broker's certificate; omitted: the system's CAs. */
  ca?: Buffer;
  /** Client certificate and key, for brokers that authenticate clients by certificate. */
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

export interface MqttConnectOptions {
  /** mqtt://host:port or mqtts://host:port */
  url: string;
  tls?: MqttTlsOptions;
  clientId: string;
  username?: string;
  password?: string;
  keepaliveS: number;
  /** 4 = MQTT 3.1.1, 5 = MQTT 5. */
  protocolVersion: 4 | 5;
  will: MqttWill;
  connectTimeoutMs: number;
  /** Aborting gives up a connect in progress. */
  signal?: AbortSignal;
}

export interface MqttSession {
  /** Resolves when the broker acknowledged (QoS 1) or the packet was written (QoS 0); rejects when the session ends first. */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1): Promise<void>;
  subscribe(topic: string, qos: 0 | 1): Promise<void>;
  onMessage(handler: (topic: string, payload: Uint8Array) => void): void;
  /** Resolves (never rejects) with the reason once the session is over, whatever ended it. */
  readonly closed: Promise<Error>;
  /**
   * Clean DISCONNECT once in-flight publishes are done (or after timeoutMs); resolves when closed.
   * `reasonCode` is the MQTT 5 DISCONNECT reason (e.g. 4: disconnect with Will Message); ignored on 3.1.1.
   */
  end(timeoutMs?: number, options?: { reasonCode?: number }): Promise<void>;
  /** Drops the connection at once without DISCONNECT: the broker will publish the Will. */
  destroy(): void;
}

export type MqttConnect = (options: MqttConnectOptions) => Promise<MqttSession>;

export class MqttSessionClosedError extends Error {
  constructor(reason: Error) {
    super(`MQTT session closed: ${reason.message}`, { cause: reason });
    this.name = 'MqttSessionClosedError';
  }
}

/**
 * mqtt.js implementation. mqtt.connect() plus our own wait for CONNACK, rather than connectAsync,
 * so an abort can end a connect attempt that is still waiting for the broker.
 */
export const connectWithMqttJs: MqttConnect = (options) => new Promise<MqttSession>((resolve, reject) => {
  if (options.signal?.aborted) return reject(options.signal.reason);
  const client = mqtt.connect(options.url, {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    keepalive: options.keepaliveS,
    protocolVersion: options.protocolVersion,
    // Clean Session on 3.1.1 [tck-id-principles-persistence-clean-session-311]; Clean Start on 5, with no
    // Session Expiry Interval sent, which means 0 [tck-id-principles-persistence-clean-session-50].
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: options.connectTimeoutMs,
    will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: options.will.qos, retain: options.will.retain },
    ...options.tls,
  });
  let lastError: Error | undefined;
  client.on('error', (error) => { lastError = error; }); // always listened: an 'error' without a listener would throw
  const onAbort = () => {
    client.end(true);
    reject(options.signal!.reason);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const onCloseBeforeConnect = () => {
    options.signal?.removeEventListener('abort', onAbort);
    client.end(true);
    reject(lastError ?? new Error(`Could not connect to ${options.url}: the connection closed before CONNACK`));
  };
  client.once('close', onCloseBeforeConnect);
  client.once('connect', () => {
    options.signal?.removeEventListener('abort', onAbort);
    client.off('close', onCloseBeforeConnect);
    // Nagle's algorithm adds 10s of ms per publish at low rates (TOOLCHAIN.md).
    (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
    resolve(new MqttJsSession(client, () => lastError));
  });
});

class MqttJsSession implements MqttSession {
  readonly closed: Promise<Error>;
  readonly #client: MqttClient;
  #closedReason: Error | undefined;
  readonly #rejectOnClose: Promise<never>;

  constructor(client: MqttClient, lastError: () => Error | undefined) {
    this.#client = client;
    this.closed = new Promise<Error>((resolve) => {
      client.once('close', () => {
        this.#closedReason = lastError() ?? new Error('connection closed');
        // No automatic reconnect: drop queued packets so every pending callback fires.
        client.end(true);
        resolve(this.#closedReason);
      });
    });
    this.#rejectOnClose = this.closed.then((reason) => { throw new MqttSessionClosedError(reason); });
    this.#rejectOnClose.catch(() => {}); // observed here; each publish races it
  }

  publish(topic: string, payload: Uint8Array, qos: 0 | 1): Promise<void> {
    if (this.#closedReason) return Promise.reject(new MqttSessionClosedError(this.#closedReason));
    const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    // Nothing retained [tck-id-payloads-nbirth-retain] [tck-id-message-flow-edge-node-birth-publish-nbirth-retained]
    // [tck-id-payloads-dbirth-retain] [tck-id-message-flow-device-birth-publish-dbirth-retained]
    // [tck-id-payloads-ndata-retain] [tck-id-payloads-ddata-retain].
    return Promise.race([this.#client.publishAsync(topic, buffer, { qos, retain: false }).then(() => undefined), this.#rejectOnClose]);
  }

  async subscribe(topic: string, qos: 0 | 1): Promise<void> {
    if (this.#closedReason) throw new MqttSessionClosedError(this.#closedReason);
    const granted = await Promise.race([this.#client.subscribeAsync(topic, { qos }), this.#rejectOnClose]);
    if (granted.some((g) => g.qos === 128)) throw new Error(`The broker refused the subscription to ${topic}`);
  }

  onMessage(handler: (topic: string, payload: Uint8Array) => void): void {
    this.#client.on('message', (topic, payload) => {
      try {
        handler(topic, payload);
      } catch {
        // A handler bug must not surface inside mqtt.js's packet parser as an uncaught exception.
      }
    });
  }

  async end(timeoutMs = 2000, options: { reasonCode?: number } = {}): Promise<void> {
    if (this.#closedReason) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); });
    const disconnect = options.reasonCode !== undefined && this.#client.options.protocolVersion === 5 ? { reasonCode: options.reasonCode } : undefined;
    await Promise.race([this.#client.endAsync(false, disconnect).catch(() => {}), timedOut]);
    clearTimeout(timer);
    if (!this.#client.disconnected) this.destroy();
  }

  destroy(): void {
    this.#client.stream?.destroy();
    this.#client.end(true);
  }
}
