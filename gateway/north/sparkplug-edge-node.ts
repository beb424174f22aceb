/**
 * The north link: a Sparkplug B 3.0 edge node that drains the outbox.
 *
 * Per MQTT session: a new bdSeq in the Will (NDEATH), NCMD subscription, NBIRTH and every DBIRTH,
 * then batches of DDATA taken from the outbox. A batch is acked in the outbox only after every
 * PUBACK of its frames arrived, so a broken session replays it on the next one (the cloud dedupes
 * by group, edge, device, tag and timestamp).
 *
 * Deliberate deviation: DDATA goes at QoS 1, where [tck-id-payloads-ddata-qos] says QoS 0. The
 * PUBACK is what lets the outbox delete a row without losing it (DESIGN.md guarantees); births
 * stay at QoS 0 as the spec requires, ordered before the data on the same connection.
 */
import type { Logger } from 'pino';
import type { LinkState, TagValue } from '../../connectors/connector.ts';
import { backoffDelayMs, type BackoffPolicy } from '../../connectors/backoff.ts';
import { sleep, systemClock, type Clock } from '../../connectors/clock.ts';
import { encodePayload, sparkplugTopic, type SparkplugPayload } from '../../connectors/sparkplug/index.ts';
import type { Outbox, OutboxRecord } from '../outbox/outbox.ts';
import { dbirthPayload, nbirthPayload, ndeathPayload } from './birth-payloads.ts';
import { buildDdataFrames } from './ddata-frames.ts';
import { MetricCatalog, type CatalogDevice } from './metric-catalog.ts';
import { connectWithMqttJs, type MqttConnect, type MqttSession, type MqttTlsOptions } from './mqtt-port.ts';
import { readNodeCommand } from './node-commands.ts';
import { WakeSignal } from './wake-signal.ts';

export const BDSEQ_META_KEY = 'sparkplug.bdSeq';

export interface SparkplugEdgeNodeOptions {
  group: string;
  edge: string;
  url: string;
  /** For mqtts:// URLs. */
  tls?: MqttTlsOptions;
  username?: string;
  password?: string;
  clientId?: string;
  keepaliveS: number;
  /** Largest number of outbox records per publish cycle. */
  batchSize: number;
  maxMetricsPerFrame: number;
  reconnect: BackoffPolicy;
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5. */
  protocolVersion?: 4 | 5;
  devices: readonly CatalogDevice[];
  outbox: Outbox;
  /** Current (cached) value of a tag, for births. */
  currentValue: (device: string, tag: string) => TagValue | undefined;
  logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  connect?: MqttConnect;
  clock?: Clock;
  random?: () => number;
  /** Longest wait for new rows before looking at the outbox again (safety net; notify() wakes sooner). */
  idleMs?: number;
  connectTimeoutMs?: number;
  /** More of the gateway on the same MQTT session (the command channel, docs/gateway-commands.md). */
  sessionHooks?: SessionHooks;
}

/**
 * Lets another part speak on the edge node's MQTT session: its topics are subscribed with the
 * NCMD one, `onUp` runs after the births of each session, `onDown` when that session is over.
 */
export interface SessionHooks {
  topics: readonly string[];
  onMessage(topic: string, payload: Uint8Array): void;
  onUp(session: MqttSession): void;
  onDown(): void;
}

export interface EdgeNodeStats {
  linkState: LinkState;
  /** bdSeq of the current (or last) session. */
  bdSeq: number | null;
  sessions: number;
  births: number;
  framesPublished: number;
  pointsPublished: number;
  /** Outbox records that could not be sent as DDATA (see DdataBatch.unroutable) and were acked away. */
  unroutablePoints: number;
  unfitPoints: number;
  rebirthRequests: number;
  badCommands: number;
  lastError: string | null;
  lastPublishAt: number | null;
}

const silent = { info() {}, warn() {}, error() {}, debug() {} };
/** After the drain deadline: time for NDEATH and DISCONNECT before the session is dropped. */
const SHUTDOWN_GRACE_MS = 3000;

export class SparkplugEdgeNode {
  readonly #o: SparkplugEdgeNodeOptions;
  #catalog: MetricCatalog;
  readonly #clock: Clock;
  readonly #log: NonNullable<SparkplugEdgeNodeOptions['logger']>;
  readonly #connect: MqttConnect;
  readonly #abort = new AbortController();
  #stats: EdgeNodeStats = {
    linkState: 'down', bdSeq: null, sessions: 0, births: 0, framesPublished: 0, pointsPublished: 0,
    unroutablePoints: 0, unfitPoints: 0, rebirthRequests: 0, badCommands: 0, lastError: null, lastPublishAt: null,
  };
  #seq = 0;
  #birthTs = 0;
  #rebirthRequested = false;
  readonly #wake: WakeSignal;
  #stopping: { deadline: number } | undefined;
  #running: Promise<void> | undefined;

  constructor(options: SparkplugEdgeNodeOptions) {
    this.#o = options;
    this.#catalog = new MetricCatalog(options.devices);
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silent;
    this.#connect = options.connect ?? connectWithMqttJs;
    this.#wake = new WakeSignal(this.#clock);
  }

  get catalog(): MetricCatalog {
    return this.#catalog;
  }

  start(): void {
    this.#running ??= this.#run().catch((error) => {
      // #run handles its own errors; reaching here is a bug, and it must not kill the daemon.
      this.#stats.linkState = 'closed';
      this.#stats.lastError = String(error);
      this.#log.error({ err: error }, 'sparkplug edge node stopped unexpectedly');
    });
  }

  /** New rows are in the outbox. */
  notify(): void {
    this.#wake.notify();
  }

  /**
   * The devices changed (a hot reload): new births announce the new metric set before any DDATA
   * uses its aliases [tck-id-payloads-dbirth-order]. DDATA frames already handed to MQTT were
   * built with the old catalogue and go out before the births, on the same connection.
   */
  setDevices(devices: readonly CatalogDevice[]): void {
    this.#catalog = new MetricCatalog(devices);
    this.requestRebirth();
  }

  /** Publish NBIRTH and DBIRTHs again (what NCMD 'Node Control/Rebirth' asks for). */
  requestRebirth(): void {
    this.#rebirthRequested = true;
    this.#stats.rebirthRequests++;
    this.notify();
  }

  stats(): EdgeNodeStats {
    return { ...this.#stats };
  }

  /**
   * Stops: keeps draining for up to drainTimeoutMs if connected, then publishes NDEATH and
   * disconnects cleanly [tck-id-operational-behavior-edge-node-intentional-disconnect-ndeath],
   * [tck-id-operational-behavior-edge-node-intentional-disconnect-packet].
   */
  async stop(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    const drainTimeoutMs = options.drainTimeoutMs ?? 2000;
    this.#stopping ??= { deadline: this.#clock.now() + drainTimeoutMs };
    if (this.#stats.linkState !== 'up') this.#abort.abort(new Error('edge node stopped'));
    this.notify();
    // A batch waiting for PUBACKs from a broker that went silent must not hold shutdown forever.
    const hardStop = this.#clock.setTimeout(() => this.#abort.abort(new Error('edge node stop timed out')), drainTimeoutMs + SHUTDOWN_GRACE_MS);
    await this.#running;
    this.#clock.clearTimeout(hardStop);
    this.#stats.linkState = 'closed';
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#stopping) {
      this.#stats.linkState = 'connecting';
      let session: MqttSession;
      let bdSeq: number;
      try {
        bdSeq = this.#nextBdSeq();
        session = await this.#connect({
          url: this.#o.url,
          tls: this.#o.tls,
          clientId: this.#o.clientId ?? `edgestock-${this.#o.group}-${this.#o.edge}`,
          username: this.#o.username,
          password: this.#o.password,
          keepaliveS: this.#o.keepaliveS,
          protocolVersion: this.#o.protocolVersion ?? 4,
          connectTimeoutMs: this.#o.connectTimeoutMs ?? 10_000,
          // [tck-id-payloads-ndeath-will-message-qos] QoS 1, [tck-id-payloads-ndeath-will-message-retain] not retained
          will: { topic: this.#topic('NDEATH'), payload: encodePayload(ndeathPayload(bdSeq, this.#clock.now())), qos: 1, retain: false },
          signal: this.#abort.signal,
        });
      } catch (error) {
        if (this.#stopping) break;
        this.#fail(error, 'cannot connect to the MQTT broker');
        await this.#backoff(attempt++);
        continue;
      }
      this.#stats.bdSeq = bdSeq;
      this.#stats.sessions++;
      try {
        // The Will now holds this bdSeq: the next session must use the next one [tck-id-payloads-nbirth-bdseq-inc].
        this.#o.outbox.setMeta(BDSEQ_META_KEY, String(bdSeq));
        const hooks = this.#o.sessionHooks;
        const ncmd = this.#topic('NCMD');
        session.onMessage((topic, payload) => {
          if (topic === ncmd) this.#onCommand(topic, payload);
          else hooks?.onMessage(topic, payload);
        });
        await session.subscribe(ncmd, 1);
        for (const topic of hooks?.topics ?? []) await session.subscribe(topic, 1);
        await this.#publishBirths(session);
        this.#stats.linkState = 'up';
        hooks?.onUp(session);
        session.closed.then(() => hooks?.onDown());
        this.#log.info({ bdSeq, url: this.#o.url }, 'sparkplug edge node online');
        attempt = 0;
        await this.#drain(session);
      } catch (error) {
        // Session loss, or an outbox error (I/O): either way start over with a new session.
        if (!this.#stopping) this.#fail(error, 'MQTT session lost');
      }
      if (this.#stopping) {
        await this.#shutdown(session, bdSeq);
        break;
      }
      session.destroy();
      await this.#backoff(attempt++);
    }
  }

  async #drain(session: MqttSession): Promise<void> {
    let onAbort = () => {};
    const ended = new Promise<never>((_, reject) => {
      session.closed.then(reject);
      onAbort = () => reject(this.#abort.signal.reason);
      this.#abort.signal.addEventListener('abort', onAbort, { once: true });
    });
    ended.catch(() => {});
    try {
      for (;;) {
        if (this.#rebirthRequested) await Promise.race([this.#publishBirths(session), ended]);
        const records = this.#o.outbox.peek(this.#o.batchSize);
        if (this.#stopping && (records.length === 0 || this.#clock.now() >= this.#stopping.deadline)) return;
        if (records.length === 0) await Promise.race([this.#wake.wait(this.#o.idleMs ?? 1000), ended]);
        else await Promise.race([this.#publishBatch(session, records), ended]);
      }
    } finally {
      this.#abort.signal.removeEventListener('abort', onAbort);
    }
  }

  async #publishBatch(session: MqttSession, records: OutboxRecord[]): Promise<void> {
    const batch = buildDdataFrames(records, this.#catalog, { maxMetricsPerFrame: this.#o.maxMetricsPerFrame, historicalBefore: this.#birthTs });
    const timestamp = this.#clock.now();
    // Pipelined: every frame is written before the first PUBACK is awaited.
    await Promise.all(batch.frames.map((frame) =>
      this.#publish(session, this.#topic('DDATA', frame.device), { timestamp, seq: this.#nextSeq(), metrics: frame.metrics }, 1)));
    this.#o.outbox.ack(records[records.length - 1].seq);
    this.#stats.framesPublished += batch.frames.length;
    this.#stats.pointsPublished += batch.points;
    this.#stats.lastPublishAt = timestamp;
    if (batch.unroutable > 0) {
      this.#stats.unroutablePoints += batch.unroutable;
      this.#log.warn({ count: batch.unroutable }, 'outbox records for devices or tags not in the birth certificates were dropped');
    }
    this.#stats.unfitPoints += batch.unfit;
  }

  /** NBIRTH then one DBIRTH per device, before any DDATA [tck-id-payloads-dbirth-order]. */
  async #publishBirths(session: MqttSession): Promise<void> {
    const timestamp = this.#clock.now();
    const bdSeq = this.#stats.bdSeq ?? 0;
    this.#rebirthRequested = false;
    this.#seq = 0; // [tck-id-payloads-nbirth-seq]: NBIRTH is seq 0; every later message counts on from it.
    this.#birthTs = timestamp;
    // [tck-id-payloads-nbirth-qos], [tck-id-payloads-dbirth-qos]: QoS 0, not retained.
    const births = [this.#publish(session, this.#topic('NBIRTH'), nbirthPayload(bdSeq, timestamp), 0)];
    for (const device of this.#catalog.devices()) {
      const payload = dbirthPayload({ device, catalog: this.#catalog, seq: this.#nextSeq(), timestamp, current: this.#o.currentValue });
      births.push(this.#publish(session, this.#topic('DBIRTH', device.name), payload, 0));
    }
    await Promise.all(births);
    this.#stats.births++;
  }

  #publish(session: MqttSession, topic: string, payload: SparkplugPayload, qos: 0 | 1): Promise<void> {
    return session.publish(topic, encodePayload(payload), qos);
  }

  async #shutdown(session: MqttSession, bdSeq: number): Promise<void> {
    if (this.#abort.signal.aborted) {
      session.destroy(); // out of time: the broker publishes the Will instead
      return;
    }
    try {
      const ndeath = this.#publish(session, this.#topic('NDEATH'), ndeathPayload(bdSeq, this.#clock.now()), 1);
      await Promise.race([ndeath, sleep(SHUTDOWN_GRACE_MS / 2, { clock: this.#clock })]);
    } catch (error) {
      this.#log.debug({ err: error }, 'NDEATH not acknowledged before disconnect');
    }
    await session.end(SHUTDOWN_GRACE_MS / 2);
    this.#log.info({ bdSeq }, 'sparkplug edge node disconnected');
  }

  #onCommand(topic: string, payload: Uint8Array): void {
    const command = readNodeCommand(payload);
    if ('error' in command) {
      this.#stats.badCommands++;
      this.#log.warn({ topic, err: command.error }, 'ignored an NCMD that is not a valid Sparkplug B payload');
    } else if (command.rebirth) {
      this.#log.info({ topic }, 'rebirth requested by NCMD');
      this.requestRebirth();
    }
  }

  async #backoff(attempt: number): Promise<void> {
    this.#stats.linkState = 'down';
    try {
      await sleep(backoffDelayMs(attempt, this.#o.reconnect, this.#o.random), { clock: this.#clock, signal: this.#abort.signal });
    } catch {
      // aborted by stop()
    }
  }

  #fail(error: unknown, what: string): void {
    this.#stats.linkState = 'down';
    this.#stats.lastError = error instanceof Error ? error.message : String(error);
    this.#log.warn({ err: error, url: this.#o.url }, what);
  }

  /** bdSeq for the next session: one more than the last session's, 0..255 [tck-id-payloads-nbirth-bdseq-inc]. */
  #nextBdSeq(): number {
    const last = Number(this.#o.outbox.getMeta(BDSEQ_META_KEY));
    return Number.isInteger(last) && last >= 0 ? (last + 1) % 256 : 0;
  }

  /** 0..255, wrapping [tck-id-payloads-sequence-num-incrementing]. */
  #nextSeq(): number {
    this.#seq = (this.#seq + 1) % 256;
    return this.#seq;
  }

  #topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD'): string;
  #topic(type: 'DBIRTH' | 'DDATA', device: string): string;
  #topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD' | 'DBIRTH' | 'DDATA', device?: string): string {
    return sparkplugTopic({ group: this.#o.group, edge: this.#o.edge, type, device });
  }
}
