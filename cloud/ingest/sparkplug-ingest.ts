/**
 * The cloud's Sparkplug B 3.0 host application: announces itself with STATE (host-state.ts),
 * subscribes to spBv1.0/#, follows each edge node's session (edge-sessions.ts), learns metric
 * definitions and aliases from births, stores DATA samples, asks a node to rebirth when its
 * stream cannot be trusted (seq gap, unknown alias, no birth seen), and rejects (counts, logs,
 * skips) anything it cannot read. One bad frame never stops the stream.
 *
 * The MQTT connection and the STATE lifecycle are host-connection.ts. Frames are handled
 * synchronously inside mqtt.js's 'message' event, so they are applied in
 * arrival order and a QoS 1 frame is committed to SQLite before mqtt.js sends its PUBACK: a frame
 * lost by a cloud crash is redelivered, and the store's idempotent insert absorbs the replay.
 */
import type { Logger } from 'pino';
import { encodePayload, isDataTypeName, parseSparkplugTopic, sparkplugTopic } from '../../connectors/sparkplug/index.ts';
import type { MetricDefinition, TelemetryPoint, TelemetryStore } from '../store/telemetry-store.ts';
import { EdgeSessions } from './edge-sessions.ts';
import { openHostConnection } from './host-connection.ts';
import { HostState } from './host-state.ts';
import { RebirthRequests } from './rebirth-requests.ts';
import { decodeFrame, RejectedFrame, type RejectReason } from './rejected-frame.ts';
import { bdSeqOf, historicalCount, pointOf, readBirth } from './sample-points.ts';

export type { RejectReason };

export interface SparkplugIngestOptions {
  /** mqtt://host:port or mqtts://host:port */
  url: string;
  username?: string;
  password?: string;
  /** For mqtts://: CA to trust, optional client certificate (PEM contents, not paths). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  store: TelemetryStore;
  logger: Logger;
  /** Stable, so the broker keeps our QoS 1 session while we are away. */
  clientId?: string;
  /** Sparkplug host_id: our STATE topic is spBv1.0/STATE/<hostId>; default 'edgestock-cloud'. */
  hostId?: string;
  /** MQTT 3.1.1 (4, default; the embedded aedes broker speaks only this) or MQTT 5. */
  protocolVersion?: 4 | 5;
  /** Where sessions are followed (and kept, see sqlite-edge-sessions.ts); default in memory only. */
  sessions?: EdgeSessions;
  /** Delay between reconnect attempts; default 1000 ms. */
  reconnectPeriodMs?: number;
  /** How long start waits for the first subscription before resolving anyway; default 10 s. */
  startTimeoutMs?: number;
  /** At most one rebirth request per edge node in this period; default 5 s. */
  rebirthIntervalMs?: number;
}

export interface SparkplugIngestStats {
  framesReceived: number;
  framesRejected: number;
  samplesInserted: number;
  duplicates: number;
  /** Rejected frames per reason (see RejectReason). */
  rejectedByReason: Record<string, number>;
  births: number;
  deaths: number;
  /** DATA/DBIRTH/DDEATH frames whose seq was not the previous one + 1 (mod 256) for that edge node. */
  seqGaps: number;
  /** NCMD 'Node Control/Rebirth' requests sent (seq gap, unknown alias or metric, no birth seen). */
  rebirthRequests: number;
  /** NDEATHs ignored because their bdSeq was not the current session's (a late Will). */
  staleDeaths: number;
  /** Samples flagged is_historical (store and forward replays) among those received. */
  historicalSamples: number;
  edgeNodesKnown: number;
  edgeNodesOnline: number;
  devicesOnline: number;
  /** Connected to the broker. */
  connected: boolean;
  /** Our STATE says online on this connection (published after the subscription). */
  hostOnline: boolean;
  /** Our STATE births published (one per connection, plus republishes). */
  stateBirths: number;
  /** Births republished because a live STATE said we were offline. */
  stateRepublished: number;
  /** STATE messages of other host applications (ignored). */
  stateFromOtherHosts: number;
  /** STATE messages about us that were not the documented JSON (ignored). */
  stateMalformed: number;
}

export interface SparkplugIngest {
  stats(): SparkplugIngestStats;
  close(): Promise<void>;
}

/** Node-level metrics (NBIRTH/NDATA) are stored under this device id: the edge node itself. */
export const NODE_DEVICE = '';

function key(...parts: string[]): string {
  return parts.join('\u0000');
}

export async function startSparkplugIngest(options: SparkplugIngestOptions): Promise<SparkplugIngest> {
  const { url, username, password, store, logger } = options;
  const sessions = options.sessions ?? new EdgeSessions();
  const host = new HostState(options.hostId ?? 'edgestock-cloud', Date.now());
  const stats = {
    framesReceived: 0, framesRejected: 0, samplesInserted: 0, duplicates: 0, rejectedByReason: {} as Record<string, number>,
    births: 0, deaths: 0, seqGaps: 0, rebirthRequests: 0, staleDeaths: 0, historicalSamples: 0,
    stateRepublished: 0, stateFromOtherHosts: 0, stateMalformed: 0,
  };
  sessions.setHostConnected(false);
  /** group/edge/device/name -> definition, from births seen by this process (DATA by name). */
  const byName = new Map<string, MetricDefinition>();
  /** group/edge -> last seq seen. */
  const lastSeq = new Map<string, number>();
  /** group/edge of the nodes whose NBIRTH this process has seen. */
  const bornHere = new Set<string>();
  /** group/edge of the nodes asked to rebirth because their DATA came without a birth seen here. */
  const askedForBirth = new Set<string>();

  function reject(topic: string, reason: RejectReason, detail: string): void {
    stats.framesRejected++;
    stats.rejectedByReason[reason] = (stats.rejectedByReason[reason] ?? 0) + 1;
    logger.warn({ topic, reason, detail }, 'Sparkplug frame rejected');
    const parsed = parseSparkplugTopic(topic);
    if (!('error' in parsed) && parsed.type !== 'STATE') sessions.frameRejected(parsed.group, parsed.edge);
  }

  // A host that cannot trust a node's stream (it missed the births, e.g. the edge node came
  // online before this ingest subscribed; or a seq gap says frames were lost) asks the node for
  // new births with NCMD 'Node Control/Rebirth' = true
  // [tck-id-operational-behavior-data-commands-ncmd-rebirth-verb]
  // [tck-id-operational-behavior-data-commands-ncmd-rebirth-name]
  // [tck-id-operational-behavior-data-commands-ncmd-rebirth-value]; the edge node then republishes
  // NBIRTH and every DBIRTH. NCMD is published at QoS 0, as the spec's NCMD rules say.
  const rebirths = new RebirthRequests({
    intervalMs: options.rebirthIntervalMs ?? 5000,
    now: () => Date.now(),
    send: (group, edge, why) => {
      stats.rebirthRequests++;
      sessions.rebirthRequested(group, edge);
      const payload = encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true }] });
      connection.publish(sparkplugTopic({ group, type: 'NCMD', edge }), Buffer.from(payload), 0);
      logger.info({ group, edge, why }, 'asked the edge node to rebirth');
    },
  });
  const requestRebirth = (group: string, edge: string, why: string) => rebirths.request(group, edge, why);

  // [tck-id-payloads-sequence-num-incrementing] seq runs 0..255 per edge node; NBIRTH resets it
  // [tck-id-payloads-nbirth-seq]. No reorder window ([tck-id-operational-behavior-host-reordering-param]
  // is a SHOULD): one edge node publishes over one MQTT connection, which keeps its order, so a
  // gap means frames were lost and only new births make the node's state trustworthy again.
  function trackSeq(topic: string, group: string, edge: string, seq: number | undefined, isNodeBirth: boolean): void {
    if (seq === undefined) return;
    const edgeKey = key(group, edge);
    const previous = lastSeq.get(edgeKey);
    lastSeq.set(edgeKey, seq);
    // The same seq again is the same frame again: a QoS 1 redelivery after our reconnect, which
    // the store's idempotent insert absorbs. Nothing was lost.
    if (isNodeBirth || previous === undefined || seq === (previous + 1) % 256 || seq === previous) return;
    stats.seqGaps++;
    sessions.seqGap(group, edge);
    logger.info({ topic, expected: (previous + 1) % 256, seq }, 'Sparkplug seq gap');
    requestRebirth(group, edge, `seq gap: expected ${(previous + 1) % 256}, got ${seq}`);
  }

  function insert(points: TelemetryPoint[]): void {
    if (points.length === 0) return;
    let result: { inserted: number; duplicates: number };
    try {
      result = store.insertSamples(points);
    } catch (error) {
      throw new RejectedFrame('store_error', (error as Error).message);
    }
    stats.samplesInserted += result.inserted;
    stats.duplicates += result.duplicates;
  }

  /** Applies a birth; returns its bdSeq (NBIRTH). */
  function handleBirth(topic: string, group: string, edge: string, device: string, buf: Buffer): number | null {
    const payload = decodeFrame(buf);
    trackSeq(topic, group, edge, payload.seq, device === NODE_DEVICE);
    const { defs, points } = readBirth(group, edge, device, payload, Date.now());
    stats.historicalSamples += historicalCount(payload.metrics);
    try {
      store.defineMetrics(defs);
    } catch (error) {
      throw new RejectedFrame('store_error', (error as Error).message);
    }
    for (const def of defs) byName.set(key(group, edge, device, def.tag), def);
    stats.births++;
    insert(points);
    return bdSeqOf(payload);
  }

  function definitionFor(group: string, edge: string, device: string, metric: { name?: string; alias?: number }): MetricDefinition | undefined {
    if (metric.alias !== undefined) return store.resolveAlias(group, edge, metric.alias);
    if (metric.name === undefined) return undefined;
    const cached = byName.get(key(group, edge, device, metric.name));
    if (cached !== undefined) return cached;
    const [stored] = store.latest({ group, edge, device, tag: metric.name });
    if (stored === undefined) return undefined;
    const def: MetricDefinition = { group, edge, device, tag: stored.tag, datatype: stored.datatype, unit: stored.unit, protocol: stored.protocol };
    byName.set(key(group, edge, device, metric.name), def);
    return def;
  }

  function handleData(topic: string, group: string, edge: string, device: string, buf: Buffer): void {
    const payload = decodeFrame(buf, (metric) => {
      const datatype = definitionFor(group, edge, device, metric)?.datatype;
      return isDataTypeName(datatype) ? datatype : undefined;
    });
    trackSeq(topic, group, edge, payload.seq, false);
    const edgeKey = key(group, edge);
    // Stored anyway when its aliases resolve from births kept in the store (a cloud restart), but
    // this process has not seen the session start: ask once for births to know it for sure.
    if (!bornHere.has(edgeKey) && !askedForBirth.has(edgeKey)) {
      askedForBirth.add(edgeKey);
      requestRebirth(group, edge, 'DATA from a session whose birth this host has not seen');
    }
    const fallbackTs = payload.timestamp ?? Date.now();
    const points: TelemetryPoint[] = [];
    for (const metric of payload.metrics) {
      const def = definitionFor(group, edge, device, metric);
      if (def === undefined) {
        requestRebirth(group, edge, 'DATA with a metric no birth defined');
        if (metric.alias !== undefined) throw new RejectedFrame('unknown_alias', `alias ${metric.alias} was not defined by a birth of ${group}/${edge}`);
        throw new RejectedFrame('unknown_metric', `metric ${metric.name === undefined ? 'without name or alias' : `"${metric.name}"`} was not defined by a birth of ${group}/${edge}/${device}`);
      }
      if (def.device !== device) {
        throw new RejectedFrame('wrong_device', `alias ${metric.alias} belongs to device "${def.device}", not "${device}"`);
      }
      if (metric.datatype !== undefined && metric.datatype !== def.datatype) {
        throw new RejectedFrame('wrong_datatype', `metric "${def.tag}" was born ${def.datatype} but arrived as ${metric.datatype}`);
      }
      if (metric.isTransient !== true) points.push(pointOf(group, edge, device, def.tag, metric, fallbackTs));
    }
    stats.historicalSamples += historicalCount(payload.metrics);
    insert(points);
  }

  function handleNodeDeath(topic: string, group: string, edge: string, buf: Buffer): void {
    // NDEATH carries no seq [tck-id-payloads-ndeath-seq]; its bdSeq names the session it ends.
    const bdSeq = bdSeqOf(decodeFrame(buf));
    if (sessions.nodeDeath(group, edge, bdSeq) === 'stale') {
      stats.staleDeaths++;
      logger.info({ topic, bdSeq, currentBdSeq: sessions.get(group, edge)?.bdSeq }, 'ignored an NDEATH of an earlier session (late Will)');
      return;
    }
    stats.deaths++;
    // The next session starts with NBIRTH seq 0; nothing of this one continues.
    lastSeq.delete(key(group, edge));
    logger.info({ topic, group, edge, bdSeq }, 'Sparkplug NDEATH: edge node and its devices offline');
  }

  function handleDeviceDeath(topic: string, group: string, edge: string, device: string, buf: Buffer): void {
    trackSeq(topic, group, edge, decodeFrame(buf).seq, false);
    sessions.deviceDeath(group, edge, device);
    stats.deaths++;
    logger.info({ topic, group, edge, device }, 'Sparkplug DDEATH: device offline');
  }

  function handleState(hostId: string, buf: Buffer, retained: boolean): void {
    const { verdict, error } = host.receive(hostId, buf, retained, Date.now());
    if (verdict === 'other_host') stats.stateFromOtherHosts++;
    else if (verdict === 'malformed') {
      stats.stateMalformed++;
      logger.warn({ topic: host.topic, detail: error }, 'ignored a malformed STATE message about this host');
    } else if (verdict === 'republish' && connection.online) {
      stats.stateRepublished++;
      logger.warn({ topic: host.topic }, 'a STATE message said this host is offline; publishing its birth again');
      connection.republishBirth();
    }
  }

  function handleFrame(topic: string, buf: Buffer, retained: boolean): void {
    const parsed = parseSparkplugTopic(topic);
    if (!('error' in parsed) && parsed.type === 'STATE') {
      handleState(parsed.hostId, buf, retained);
      return;
    }
    // Host-to-edge traffic (our own rebirth requests among it) is not ingested nor counted.
    if (!('error' in parsed) && (parsed.type === 'NCMD' || parsed.type === 'DCMD')) return;
    stats.framesReceived++;
    if ('error' in parsed) throw new RejectedFrame('bad_topic', parsed.error);
    const { group, edge } = parsed;
    const device = parsed.device ?? NODE_DEVICE;
    switch (parsed.type) {
      case 'NDEATH':
        handleNodeDeath(topic, group, edge, buf);
        return;
      case 'DDEATH':
        handleDeviceDeath(topic, group, edge, device, buf);
        return;
      case 'NBIRTH': {
        const bdSeq = handleBirth(topic, group, edge, device, buf);
        sessions.nodeBirth(group, edge, bdSeq);
        bornHere.add(key(group, edge));
        askedForBirth.delete(key(group, edge));
        return;
      }
      case 'DBIRTH':
        handleBirth(topic, group, edge, device, buf);
        sessions.deviceBirth(group, edge, device);
        return;
      case 'NDATA':
      case 'DDATA':
        handleData(topic, group, edge, device, buf);
        return;
    }
  }

  function onMessage(topic: string, buf: Buffer, retained: boolean): void {
    try {
      handleFrame(topic, buf, retained);
    } catch (error) {
      if (error instanceof RejectedFrame) reject(topic, error.reason, error.message);
      else reject(topic, 'internal_error', (error as Error)?.message ?? String(error));
    }
  }

  const connection = openHostConnection({
    url, username, password, tls: options.tls, host, logger,
    clientId: options.clientId ?? 'edgestock-cloud-ingest',
    protocolVersion: options.protocolVersion ?? 4,
    reconnectPeriodMs: options.reconnectPeriodMs ?? 1000,
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
    onMessage,
    onOnline: (sessionPresent) => {
      sessions.setHostConnected(true);
      if (!sessionPresent) {
        // Nothing was queued for us: a node believed online may have died unseen. Each is
        // offline until it answers this rebirth request with a new NBIRTH.
        for (const { group, edge } of sessions.hostSessionLost()) {
          lastSeq.delete(key(group, edge));
          requestRebirth(group, edge, 'the broker kept no session of this host: the node\'s state is unknown');
        }
      }
      rebirths.setOnline(true);
    },
    onOffline: () => {
      rebirths.setOnline(false);
      sessions.setHostConnected(false);
    },
  });
  await connection.started;

  return {
    stats: () => ({
      ...stats, ...sessions.counts(), rejectedByReason: { ...stats.rejectedByReason },
      connected: connection.connected, hostOnline: connection.online, stateBirths: connection.stateBirths,
    }),
    close: () => connection.close(),
  };
}
