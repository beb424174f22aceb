/**
 * The north link: a Sparkplug B 3.0 edge node that drains the outbox.
 *
 * Per MQTT session: a new bdSeq in the Will (NDEATH); subscriptions to NCMD, the primary host's
 * STATE (when north.primaryHostId is set) and the command channel; a wait for the host to be
 * online; NBIRTH and every DBIRTH; then the outbox in two lanes:
 *   - live: rows appended after this session's birth, sent as soon as they are committed;
 *   - backlog: rows queued while the broker or the host was away, replayed oldest first, flagged
 *     isHistorical, at most north.replay.pointsPerS, beside the live lane (store and forward).
 * A batch leaves the outbox (ackRange) only after every PUBACK of its frames arrived, so a broken
 * session replays it on the next one (the cloud dedupes by group, edge, device, tag and timestamp).
 * Event rows (docs/edge-events.md) travel in the same lanes, on edgestock/v1/{group}/{edge}/{channel}.
 *
 * Devices: DBIRTH for every device at each birth; DDEATH when a device's link goes down
 * [tck-id-operational-behavior-device-ddeath] and DBIRTH again when it returns. While a device is
 * dead its live bad-quality rows are withheld (the DDEATH says it all) and counted.
 *
 * Deliberate deviation: DDATA goes at QoS 1 (not retained), where [tck-id-payloads-ddata-qos] and
 * [tck-id-topics-ddata-mqtt] say QoS 0. The PUBACK is what lets the outbox delete a row without
 * losing it (DESIGN.md guarantees); births stay at QoS 0 as the spec requires, ordered before the
 * data on the same connection.
 */
import { backoffDelayMs } from '../../connectors/backoff.ts';
import type { TagValue } from '../../connectors/connector.ts';
import { sleep, systemClock, type Clock } from '../../connectors/clock.ts';
import { edgeLinkTopic, type EdgeLinkChannel } from '../../connectors/edge-link/index.ts';
import { encodePayload, sparkplugTopic, type SparkplugPayload } from '../../connectors/sparkplug/index.ts';
import type { Outbox, OutboxRecord } from '../outbox/outbox.ts';
import { dbirthPayload, ddeathPayload, nbirthPayload, ndeathPayload } from './birth-payloads.ts';
import { buildDdataFrames } from './ddata-frames.ts';
import { MetricCatalog, type CatalogDevice } from './metric-catalog.ts';
import { connectWithMqttJs, type MqttConnect, type MqttSession } from './mqtt-port.ts';
import { readNodeCommand } from './node-commands.ts';
import { settingToFix } from './north-errors.ts';
import { nodeStatusMetrics, sameStatus, type NodeStatus } from './node-status.ts';
import { PrimaryHostGate } from './primary-host-gate.ts';
import { ReplayLanes } from './replay-lanes.ts';
import { WakeSignal } from './wake-signal.ts';
import type { EdgeNodeStats, SparkplugEdgeNodeOptions } from './edge-node-types.ts';

export type { EdgeNodeStats, SessionHooks, SparkplugEdgeNodeOptions } from './edge-node-types.ts';

export const BDSEQ_META_KEY = 'sparkplug.bdSeq';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
/** After the drain deadline: time for NDEATH and DISCONNECT before the session is dropped. */
const SHUTDOWN_GRACE_MS = 3000;
/** MQTT 5 DISCONNECT reason code 0x04 "Disconnect with Will Message" [tck-id-payloads-ndeath-will-message-publisher-disconnect-mqtt50]. */
const DISCONNECT_WITH_WILL = 4;

class HostOfflineError extends Error {
  constructor(hostId: string) {
    super(`the primary host application "${hostId}" went offline`);
    this.name = 'HostOfflineError';
  }
}

export class SparkplugEdgeNode {
  readonly #o: SparkplugEdgeNodeOptions;
  #catalog: MetricCatalog;
  readonly #clock: Clock;
  readonly #log: NonNullable<SparkplugEdgeNodeOptions['logger']>;
  readonly #connect: MqttConnect;
  readonly #abort = new AbortController();
  readonly #gate: PrimaryHostGate | undefined;
  readonly #replayRate: number;
  readonly #statusIntervalMs: number;
  #stats: Omit<EdgeNodeStats, 'deadDevices' | 'backlogRows'> = {
    linkState: 'down', bdSeq: null, sessions: 0, births: 0, framesPublished: 0, pointsPublished: 0, historicalPointsPublished: 0,
    eventsPublished: 0, unroutablePoints: 0, unfitPoints: 0, withheldPoints: 0, deviceDeaths: 0, deviceRebirths: 0,
    rebirthRequests: 0, badCommands: 0, unknownCommandMetrics: 0, hostOnline: null, stateMessages: 0, badStateMessages: 0,
    hostOfflineDisconnects: 0, lastError: null, lastPublishAt: null,
  };
  #seq = 0;
  #rebirthRequested = false;
  /** Link state per device as the gateway last reported it (setDeviceLink); absent: up. */
  readonly #links = new Map<string, { up: boolean; atSeq: number }>();
  /** Devices the host was last told are alive (DBIRTH) in this session. */
  #born = new Set<string>();
  #lanes: ReplayLanes | undefined;
  #statusDueAt = 0;
  /** The outbox figures last published (NBIRTH or NDATA) in this session. */
  #reportedStatus: NodeStatus | undefined;
  /** Ends the current session's drain (the primary host went offline). */
  #endSession: ((reason: Error) => void) | undefined;
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
    this.#gate = options.primaryHostId === undefined ? undefined : new PrimaryHostGate(options.primaryHostId);
    if (this.#gate) this.#stats.hostOnline = false;
    this.#replayRate = options.replayPointsPerS ?? 20_000;
    this.#statusIntervalMs = options.statusIntervalMs ?? 5000;
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

  /** New rows are in the outbox, or a device link changed. */
  notify(): void {
    this.#wake.notify();
  }

  /**
   * A device's link is up or down, as of the rows appended so far: the DDEATH of a lost device
   * goes after those rows, and a device that is back gets its DBIRTH before its next data.
   * Call it after appending the rows of the read that showed the change.
   */
  setDeviceLink(device: string, up: boolean): void {
    if ((this.#links.get(device)?.up ?? true) === up) return;
    this.#links.set(device, { up, atSeq: this.#o.outbox.lastSeq() });
    this.notify();
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
    const deadDevices = this.#stats.linkState === 'up'
      ? this.#catalog.devices().map((d) => d.name).filter((name) => !this.#born.has(name))
      : [];
    return { ...this.#stats, deadDevices, backlogRows: this.#backlogRows() };
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
    // One session at a time: the next connect only once this one is over
    // [tck-id-operational-behavior-primary-application-state-with-multiple-servers-single-server].
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
          // The NDEATH on its topic is the Will [tck-id-message-flow-edge-node-birth-publish-will-message]
          // [tck-id-message-flow-edge-node-birth-publish-will-message-topic] [tck-id-topics-ndeath-topic], QoS 1
          // [tck-id-payloads-ndeath-will-message-qos] [tck-id-message-flow-edge-node-birth-publish-will-message-qos], not retained
          // [tck-id-payloads-ndeath-will-message-retain] [tck-id-message-flow-edge-node-birth-publish-will-message-will-retained].
          will: { topic: this.#topic('NDEATH'), payload: encodePayload(ndeathPayload(bdSeq, this.#clock.now())), qos: 1, retain: false },
          signal: this.#abort.signal,
        });
      } catch (error) {
        if (this.#stopping) break;
        this.#fail(error, 'cannot connect to the MQTT broker', settingToFix(error));
        await this.#backoff(attempt++);
        continue;
      }
      this.#stats.bdSeq = bdSeq;
      this.#stats.sessions++;
      let born = false;
      let hostWentOffline = false;
      const ended = this.#sessionEnd(session);
      try {
        // The Will now holds this bdSeq: the next session must use the next one [tck-id-topics-nbirth-bdseq-increment].
        this.#o.outbox.setMeta(BDSEQ_META_KEY, String(bdSeq));
        const hooks = this.#o.sessionHooks;
        const ncmd = this.#topic('NCMD');
        session.onMessage((topic, payload) => {
          if (topic === ncmd) this.#onCommand(topic, payload);
          else if (topic === this.#gate?.topic) this.#onState(payload);
          else hooks?.onMessage(topic, payload);
        });
        // Its NCMD topic at QoS 1, before any birth [tck-id-message-flow-edge-node-ncmd-subscribe] [tck-id-topics-ncmd-topic].
        await Promise.race([session.subscribe(ncmd, 1), ended]);
        // Its own primary host's STATE topic, no other
        // [tck-id-operational-behavior-primary-application-state-with-multiple-servers-state-subs]
        // [tck-id-message-flow-edge-node-birth-publish-phid-wait-id].
        if (this.#gate) await Promise.race([session.subscribe(this.#gate.topic, 1), ended]);
        // Devices are written through the command channel (docs/gateway-commands.md): no DCMD
        // subscription [tck-id-message-flow-device-dcmd-subscribe].
        for (const topic of hooks?.topics ?? []) await Promise.race([session.subscribe(topic, 1), ended]);
        if (this.#gate && !this.#gate.online) {
          this.#log.info({ hostId: this.#gate.hostId }, 'waiting for the primary host application to be online before the births');
          await this.#gate.waitOnline(ended); // [tck-id-operational-behavior-edge-node-birth-sequence-wait]
        }
        // Births first, on the session just established [tck-id-message-flow-edge-node-birth-publish-connect]
        // [tck-id-principles-birth-certificates-order]; NDATA and DDATA only after them, in #drain
        // [tck-id-payloads-ndata-order] [tck-id-payloads-ddata-order].
        await Promise.race([this.#publishBirths(session, { newSession: true }), ended]);
        born = true;
        this.#stats.linkState = 'up';
        hooks?.onUp(session);
        session.closed.then(() => hooks?.onDown());
        this.#log.info({ bdSeq, url: this.#o.url, backlogRows: this.#backlogRows() }, 'sparkplug edge node online');
        attempt = 0;
        await this.#drain(session, ended);
      } catch (error) {
        hostWentOffline = error instanceof HostOfflineError;
        // Session loss, host offline, or an outbox error (I/O): either way start over with a new session.
        if (!this.#stopping) this.#fail(error, hostWentOffline ? 'primary host offline; ending the session' : 'MQTT session lost');
      } finally {
        this.#endSession = undefined;
        this.#lanes = undefined;
      }
      if (this.#stopping || hostWentOffline) {
        // [tck-id-operational-behavior-primary-application-state-with-multiple-servers-walk]: a clean
        // end with NDEATH; with one broker configured, "the next server" is the same one again.
        await this.#shutdown(session, bdSeq, born);
        if (this.#stopping) break;
        this.#stats.hostOfflineDisconnects++;
        await this.#backoff(0);
        continue;
      }
      session.destroy();
      await this.#backoff(attempt++);
    }
  }

  /** Rejects when the session closes, stop() aborts, or the primary host goes offline. */
  #sessionEnd(session: MqttSession): Promise<never> {
    const ended = new Promise<never>((_, reject) => {
      session.closed.then(reject);
      this.#endSession = reject;
      const onAbort = () => reject(this.#abort.signal.reason);
      if (this.#abort.signal.aborted) onAbort();
      else this.#abort.signal.addEventListener('abort', onAbort, { once: true });
      session.closed.then(() => this.#abort.signal.removeEventListener('abort', onAbort));
    });
    ended.catch(() => {});
    return ended;
  }

  async #drain(session: MqttSession, ended: Promise<never>): Promise<void> {
    const lanes = this.#lanes!;
    let backlogWasPending = lanes.backlogPending;
    for (;;) {
      // A rebirth request: no more data until NBIRTH and every DBIRTH are out again
      // [tck-id-operational-behavior-data-commands-rebirth-action-1] [tck-id-operational-behavior-data-commands-rebirth-action-2].
      if (this.#rebirthRequested) await Promise.race([this.#publishBirths(session, { newSession: false }), ended]);
      if (this.#clock.now() >= this.#statusDueAt) await Promise.race([this.#publishStatus(session), ended]);
      await Promise.race([this.#reviveDevices(session), ended]);
      const live = lanes.live(this.#o.batchSize);
      const backlog = lanes.takeBacklog(this.#o.batchSize);
      if (lanes.backlogPending !== backlogWasPending) {
        backlogWasPending = lanes.backlogPending;
        this.#log.info({}, 'store-and-forward backlog replayed');
      }
      if (this.#stopping && ((live.length === 0 && backlog.length === 0) || this.#clock.now() >= this.#stopping.deadline)) return;
      if (live.length === 0 && backlog.length === 0) {
        if (!lanes.backlogPending) await Promise.race([this.#buryDevices(session), ended]);
        const untilStatus = Math.max(1, this.#statusDueAt - this.#clock.now());
        await Promise.race([this.#wake.wait(Math.min(this.#o.idleMs ?? 1000, untilStatus, lanes.msUntilTokens())), ended]);
        continue;
      }
      // Backlog frames first: in one cycle its rows are older than the live ones, so each tag stays in order on the wire.
      await Promise.race([Promise.all([this.#publishRecords(session, backlog, true), this.#publishRecords(session, live, false)]), ended]);
      lanes.ack(live, 'live');
      lanes.ack(backlog, 'backlog');
      if (!lanes.backlogPending) await Promise.race([this.#buryDevices(session), ended]);
    }
  }

  async #publishRecords(session: MqttSession, records: OutboxRecord[], historical: boolean): Promise<void> {
    if (records.length === 0) return;
    let samples = records.filter((r) => r.kind === 'sample');
    if (!historical) {
      // A good value from a dead device means its link is back: announce it before its data.
      const revived = new Set(samples.filter((r) => !this.#born.has(r.device) && r.quality === 'good' && this.#catalog.hasDevice(r.device)).map((r) => r.device));
      await Promise.all([...revived].map((device) => this.#publishDeviceBirth(session, device)));
      const kept = samples.filter((r) => this.#born.has(r.device) || !this.#catalog.hasDevice(r.device));
      this.#stats.withheldPoints += samples.length - kept.length;
      samples = kept;
    }
    // Historical rows go even for a device that is dead now: they were read while it was alive.
    const batch = buildDdataFrames(samples, this.#catalog, { maxMetricsPerFrame: this.#o.maxMetricsPerFrame, historical });
    const timestamp = this.#clock.now();
    const events = records.filter((r) => r.kind === 'event');
    // Pipelined: every frame is written before the first PUBACK is awaited. Each DDATA has its publish
    // time [tck-id-topics-ddata-timestamp] [tck-id-payloads-ddata-timestamp] and the next seq
    // [tck-id-topics-ddata-seq-num] [tck-id-payloads-ddata-seq] [tck-id-payloads-ddata-seq-inc]; QoS 1: see the header.
    await Promise.all([
      ...batch.frames.map((frame) =>
        this.#publish(session, this.#topic('DDATA', frame.device), { timestamp, seq: this.#nextSeq(), metrics: frame.metrics }, 1)),
      ...events.map((event) => session.publish(edgeLinkTopic(this.#o.group, this.#o.edge, event.device as EdgeLinkChannel), Buffer.from(String(event.value)), 1)),
    ]);
    this.#stats.framesPublished += batch.frames.length;
    this.#stats.pointsPublished += batch.points;
    if (historical) this.#stats.historicalPointsPublished += batch.points;
    this.#stats.eventsPublished += events.length;
    this.#stats.lastPublishAt = timestamp;
    if (batch.unroutable > 0) {
      this.#stats.unroutablePoints += batch.unroutable;
      this.#log.warn({ count: batch.unroutable }, 'outbox records for devices or tags not in the birth certificates were dropped');
    }
    this.#stats.unfitPoints += batch.unfit;
  }

  /**
   * NBIRTH then one DBIRTH per device, before any DDATA [tck-id-payloads-dbirth-order]. A new
   * session also draws the line between backlog and live rows.
   */
  async #publishBirths(session: MqttSession, options: { newSession: boolean }): Promise<void> {
    const timestamp = this.#clock.now();
    // The bdSeq of this session's Will, on a rebirth too [tck-id-topics-nbirth-bdseq-matching]
    // [tck-id-payloads-nbirth-bdseq-repeat] [tck-id-message-flow-edge-node-birth-publish-nbirth-payload-bdSeq]
    // [tck-id-operational-behavior-data-commands-rebirth-action-3].
    const bdSeq = this.#stats.bdSeq ?? 0;
    this.#rebirthRequested = false;
    if (options.newSession) this.#lanes = new ReplayLanes(this.#o.outbox, { clock: this.#clock, pointsPerS: this.#replayRate });
    this.#seq = 0; // [tck-id-payloads-nbirth-seq]: NBIRTH is seq 0; every later message counts on from it.
    // QoS 0 (and not retained: nothing is, mqtt-port.ts): NBIRTH [tck-id-payloads-nbirth-qos] [tck-id-topics-nbirth-mqtt]
    // [tck-id-message-flow-edge-node-birth-publish-nbirth-qos], DBIRTH [tck-id-payloads-dbirth-qos] [tck-id-topics-dbirth-mqtt]
    // [tck-id-message-flow-device-birth-publish-dbirth-qos].
    this.#reportedStatus = this.#status();
    const births = [this.#publish(session, this.#topic('NBIRTH'), nbirthPayload(bdSeq, timestamp, this.#reportedStatus), 0)];
    this.#born.clear();
    // Every DBIRTH after the NBIRTH, on the same connection [tck-id-message-flow-device-birth-publish-nbirth-wait].
    for (const device of this.#catalog.devices()) births.push(this.#publishDeviceBirth(session, device.name, timestamp));
    this.#statusDueAt = timestamp + this.#statusIntervalMs;
    await Promise.all(births);
    this.#stats.births++;
  }

  #publishDeviceBirth(session: MqttSession, name: string, timestamp = this.#clock.now()): Promise<void> {
    const device = this.#catalog.devices().find((d) => d.name === name);
    if (!device) return Promise.resolve();
    if (this.#stats.linkState === 'up') this.#stats.deviceRebirths++;
    this.#born.add(name);
    // A device born while its link is down (its DDEATH waits for the backlog) has no current
    // value: the cached one would read as a good, live reading.
    const linkDown = !this.#deviceUp(name);
    const current = linkDown
      ? (d: string, tag: string): TagValue => ({ device: d, tag, value: null, quality: 'bad', error: 'LINK_DOWN', ts: timestamp })
      : this.#o.currentValue;
    // The next seq [tck-id-topics-dbirth-seq] [tck-id-payloads-dbirth-seq-inc] [tck-id-message-flow-device-birth-publish-dbirth-payload-seq].
    const payload = dbirthPayload({ device, catalog: this.#catalog, seq: this.#nextSeq(), timestamp, current });
    return this.#publish(session, this.#topic('DBIRTH', name), payload, 0);
  }

  #deviceUp(name: string): boolean {
    return this.#links.get(name)?.up ?? true;
  }

  /** DBIRTH for each dead device whose link is up again. */
  async #reviveDevices(session: MqttSession): Promise<void> {
    const back = this.#catalog.devices().filter((d) => !this.#born.has(d.name) && this.#deviceUp(d.name));
    if (back.length === 0) return;
    this.#log.info({ devices: back.map((d) => d.name) }, 'device links are back: DBIRTH');
    await Promise.all(back.map((d) => this.#publishDeviceBirth(session, d.name)));
  }

  /**
   * DDEATH for each born device whose link is down [tck-id-operational-behavior-device-ddeath],
   * once every row queued up to the link's loss went out (the failed reads that say why, among
   * them), and only once the backlog is replayed: its rows may still be that device's history.
   */
  async #buryDevices(session: MqttSession): Promise<void> {
    const lanes = this.#lanes;
    if (lanes === undefined) return;
    const gone = this.#catalog.devices().filter((d) => {
      const link = this.#links.get(d.name);
      return this.#born.has(d.name) && link !== undefined && !link.up
        && this.#o.outbox.count({ afterSeq: lanes.backlogEnd, throughSeq: link.atSeq }) === 0;
    });
    if (gone.length === 0) return;
    this.#log.info({ devices: gone.map((d) => d.name) }, 'device links are down: DDEATH');
    const timestamp = this.#clock.now();
    await Promise.all(gone.map((d) => {
      this.#born.delete(d.name);
      this.#stats.deviceDeaths++;
      // [tck-id-topics-ddeath-mqtt]: QoS 0, not retained, like the births.
      return this.#publish(session, this.#topic('DDEATH', d.name), ddeathPayload(this.#nextSeq(), timestamp), 0);
    }));
  }

  /** NDATA with the outbox figures (node-status.ts), looked at every statusIntervalMs. */
  async #publishStatus(session: MqttSession): Promise<void> {
    const timestamp = this.#clock.now();
    this.#statusDueAt = timestamp + this.#statusIntervalMs;
    const status = this.#status();
    // Only when a figure changed since the last NBIRTH or NDATA: report by exception
    // [tck-id-principles-rbe-recommended] [tck-id-operational-behavior-data-publish-nbirth-change].
    if (sameStatus(this.#reportedStatus, status)) return;
    this.#reportedStatus = status;
    // Publish time [tck-id-topics-ndata-timestamp] [tck-id-payloads-ndata-timestamp], the next seq
    // [tck-id-topics-ndata-seq-num] [tck-id-payloads-ndata-seq] [tck-id-payloads-ndata-seq-inc], QoS 0
    // [tck-id-payloads-ndata-qos] [tck-id-topics-ndata-mqtt].
    await this.#publish(session, this.#topic('NDATA'), { timestamp, seq: this.#nextSeq(), metrics: nodeStatusMetrics(status, timestamp, 'data') }, 0);
  }

  #status(): NodeStatus {
    const { rows, bytes, maxBytes, dropped } = this.#o.outbox.stats();
    return { rows, bytes, maxBytes, dropped, backlog: this.#backlogRows() };
  }

  /** Outside a session every queued row waits for the next one's replay. */
  #backlogRows(): number {
    return this.#lanes?.backlogRows() ?? this.#o.outbox.stats().rows;
  }

  #publish(session: MqttSession, topic: string, payload: SparkplugPayload, qos: 0 | 1): Promise<void> {
    return session.publish(topic, encodePayload(payload), qos);
  }

  async #shutdown(session: MqttSession, bdSeq: number, born: boolean): Promise<void> {
    if (this.#abort.signal.aborted) {
      session.destroy(); // out of time: the broker publishes the Will instead
      return;
    }
    if ((this.#o.protocolVersion ?? 4) === 5) {
      // MQTT 5: DISCONNECT with reason "Disconnect with Will Message"; the broker sends the NDEATH.
      await session.end(SHUTDOWN_GRACE_MS, { reasonCode: DISCONNECT_WITH_WILL });
    } else {
      // MQTT 3.1.1: NDEATH before DISCONNECT [tck-id-payloads-ndeath-will-message-publisher]
      // [tck-id-payloads-ndeath-will-message-publisher-disconnect-mqtt311].
      try {
        const ndeath = this.#publish(session, this.#topic('NDEATH'), ndeathPayload(bdSeq, this.#clock.now()), 1);
        await Promise.race([ndeath, sleep(SHUTDOWN_GRACE_MS / 2, { clock: this.#clock })]);
      } catch (error) {
        this.#log.debug({ err: error }, 'NDEATH not acknowledged before disconnect');
      }
      await session.end(SHUTDOWN_GRACE_MS / 2);
    }
    this.#log.info({ bdSeq, born }, 'sparkplug edge node disconnected');
  }

  #onState(payload: Uint8Array): void {
    const gate = this.#gate!;
    this.#stats.stateMessages++;
    const verdict = gate.apply(payload);
    if (verdict === 'invalid' || verdict === 'stale') {
      this.#stats.badStateMessages++;
      this.#log.warn({ topic: gate.topic, verdict }, 'ignored a STATE message (not {"online", "timestamp"} JSON, or older than the last one)');
      return;
    }
    this.#stats.hostOnline = verdict === 'online';
    this.#log.info({ hostId: gate.hostId, online: this.#stats.hostOnline }, 'primary host application STATE');
    // Host offline: NDEATH, DISCONNECT and a new session (#run)
    // [tck-id-operational-behavior-edge-node-termination-host-offline] [tck-id-message-flow-edge-node-birth-publish-phid-offline].
    if (verdict === 'offline' && this.#stats.linkState === 'up') this.#endSession?.(new HostOfflineError(gate.hostId));
  }

  #onCommand(topic: string, payload: Uint8Array): void {
    const command = readNodeCommand(payload);
    if ('error' in command) {
      this.#stats.badCommands++;
      this.#log.warn({ topic, err: command.error }, 'ignored an NCMD that is not a valid Sparkplug B payload');
      return;
    }
    if (command.unknown.length > 0) {
      this.#stats.unknownCommandMetrics += command.unknown.length;
      this.#log.warn({ topic, metrics: command.unknown }, 'ignored NCMD metrics this edge node does not define');
    }
    if (command.rebirth) {
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

  /** `fix`: the setting to check (north-errors.ts), which then stands in for the error's message. */
  #fail(error: unknown, what: string, fix?: string): void {
    this.#stats.linkState = 'down';
    this.#stats.lastError = fix ?? (error instanceof Error ? error.message : String(error));
    this.#log.warn({ err: error, url: this.#o.url }, fix === undefined ? what : `${what}: ${fix}`);
  }

  /**
   * bdSeq for the next session's Will and NBIRTH: 0 at first, then one more than the last session's,
   * 0 after 255 [tck-id-topics-nbirth-bdseq-increment] [tck-id-message-flow-edge-node-birth-publish-will-message-payload-bdSeq].
   */
  #nextBdSeq(): number {
    const last = Number(this.#o.outbox.getMeta(BDSEQ_META_KEY));
    return Number.isInteger(last) && last >= 0 ? (last + 1) % 256 : 0;
  }

  /**
   * seq for every message but NDEATH [tck-id-payloads-sequence-num-always-included]: one more each
   * time, 0..255, wrapping [tck-id-payloads-sequence-num-incrementing].
   */
  #nextSeq(): number {
    this.#seq = (this.#seq + 1) % 256;
    return this.#seq;
  }

  /**
   * One group and edge node id in every topic, so each DBIRTH's match the NBIRTH's
   * [tck-id-message-flow-device-birth-publish-dbirth-match-edge-node-topic].
   */
  #topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD' | 'NDATA'): string;
  #topic(type: 'DBIRTH' | 'DDATA' | 'DDEATH', device: string): string;
  #topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD' | 'NDATA' | 'DBIRTH' | 'DDATA' | 'DDEATH', device?: string): string {
    return sparkplugTopic({ group: this.#o.group, edge: this.#o.edge, type, device });
  }
}
