/**
 * The cloud's Sparkplug B host-side ingest: subscribes to spBv1.0/#, learns metric definitions
 * and aliases from births, stores DATA samples, and rejects (counts, logs, skips) anything it
 * cannot trust. One bad frame never stops the stream.
 *
 * Frames are handled synchronously inside mqtt.js's 'message' event, so they are applied in
 * arrival order and a QoS 1 frame is committed to SQLite before mqtt.js sends its PUBACK: a frame
 * lost by a cloud crash is redelivered, and the store's idempotent insert absorbs the replay.
 */
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  decodePayload, encodePayload, ERROR_CODE_PROPERTY, isDataTypeName, sparkplugTopic, parseSparkplugTopic, qualityFromSparkplug, QUALITY_PROPERTY,
  SparkplugDecodeError, type DataTypeName, type SparkplugErrorCode, type SparkplugMetric, type SparkplugPayload,
} from '../../connectors/sparkplug/index.ts';
import type { MetricDefinition, TelemetryPoint, TelemetryStore } from '../store/telemetry-store.ts';

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
  /** DATA/BIRTH frames whose seq was not the previous one + 1 (mod 256) for that edge node. */
  seqGaps: number;
  /** NCMD 'Node Control/Rebirth' requests sent for DATA that no birth explained. */
  rebirthRequests: number;
  connected: boolean;
}

export interface SparkplugIngest {
  stats(): SparkplugIngestStats;
  close(): Promise<void>;
}

/** Why a frame was rejected; stable strings (they are stats keys and log fields). */
export type RejectReason =
  | 'bad_topic' | 'malformed_payload' | 'unknown_datatype' | 'unsupported_datatype' | 'value_missing'
  | 'wrong_datatype' | 'propertyset_mismatch' | 'number_out_of_range' | 'unknown_alias' | 'unknown_metric'
  | 'wrong_device' | 'birth_incomplete' | 'duplicate_alias' | 'store_error' | 'internal_error';

const reasonOfDecodeError: Readonly<Record<SparkplugErrorCode, RejectReason>> = {
  MALFORMED_PROTOBUF: 'malformed_payload',
  UNKNOWN_DATATYPE: 'unknown_datatype',
  UNSUPPORTED_DATATYPE: 'unsupported_datatype',
  VALUE_MISSING: 'value_missing',
  VALUE_TYPE_MISMATCH: 'wrong_datatype',
  VALUE_OUT_OF_RANGE: 'wrong_datatype',
  PROPERTYSET_MISMATCH: 'propertyset_mismatch',
  NUMBER_OUT_OF_RANGE: 'number_out_of_range',
  DATATYPE_REQUIRED: 'wrong_datatype',
};

/** A frame the ingest will not apply; thrown inside the handler, caught and counted there. */
class RejectedFrame extends Error {
  constructor(readonly reason: RejectReason, message: string) {
    super(message);
  }
}

/** Node-level metrics (NBIRTH/NDATA) are stored under this device id: the edge node itself. */
export const NODE_DEVICE = '';

const SUBSCRIPTION = 'spBv1.0/#';

function key(...parts: string[]): string {
  return parts.join('\u0000');
}

function stringProperty(metric: SparkplugMetric, name: string): string | null {
  const value = metric.properties?.[name]?.value;
  return typeof value === 'string' ? value : null;
}

/** Our stored value: 64-bit integers beyond 2^53 become the nearest double. */
function storedValue(value: SparkplugMetric['value']): TelemetryPoint['value'] {
  if (typeof value === 'bigint') return Number(value);
  return value ?? null;
}

export async function startSparkplugIngest(options: SparkplugIngestOptions): Promise<SparkplugIngest> {
  const { url, username, password, store, logger } = options;
  const stats: SparkplugIngestStats = {
    framesReceived: 0, framesRejected: 0, samplesInserted: 0, duplicates: 0, rejectedByReason: {},
    births: 0, deaths: 0, seqGaps: 0, rebirthRequests: 0, connected: false,
  };
  /** group/edge/device/name -> definition, from births seen by this process (DATA by name). */
  const byName = new Map<string, MetricDefinition>();
  /** group/edge -> last seq seen. */
  const lastSeq = new Map<string, number>();

  function reject(topic: string, reason: RejectReason, detail: string): void {
    stats.framesRejected++;
    stats.rejectedByReason[reason] = (stats.rejectedByReason[reason] ?? 0) + 1;
    logger.warn({ topic, reason, detail }, 'Sparkplug frame rejected');
  }

  function decode(buf: Buffer, datatypeOf?: (m: { name?: string; alias?: number }) => DataTypeName | undefined): SparkplugPayload {
    try {
      return decodePayload(buf, { datatypeOf });
    } catch (error) {
      if (error instanceof SparkplugDecodeError) throw new RejectedFrame(reasonOfDecodeError[error.code], error.message);
      throw error;
    }
  }

  // [tck-id-payloads-sequence-num-incrementing] seq runs 0..255 per edge node; NBIRTH resets it.
  function trackSeq(topic: string, edgeKey: string, seq: number | undefined, isNodeBirth: boolean): void {
    if (seq === undefined) return;
    const previous = lastSeq.get(edgeKey);
    if (!isNodeBirth && previous !== undefined && seq !== (previous + 1) % 256) {
      stats.seqGaps++;
      logger.debug({ topic, expected: (previous + 1) % 256, seq }, 'Sparkplug seq gap');
    }
    lastSeq.set(edgeKey, seq);
  }

  /** group/edge -> when we last asked that edge node to rebirth. */
  const lastRebirthRequest = new Map<string, number>();
  const rebirthIntervalMs = options.rebirthIntervalMs ?? 5000;

  // A host that receives DATA it cannot resolve (it missed the births, e.g. the edge node came
  // online before this ingest subscribed) asks the node for new births with NCMD
  // 'Node Control/Rebirth' = true (Sparkplug 3.0, Edge Node Control metrics); the edge node then
  // republishes NBIRTH and every DBIRTH. NCMD is published at QoS 0, as the spec's NCMD rules say.
  function requestRebirth(group: string, edge: string): void {
    const edgeKey = key(group, edge);
    const now = Date.now();
    if (now - (lastRebirthRequest.get(edgeKey) ?? -Infinity) < rebirthIntervalMs) return;
    lastRebirthRequest.set(edgeKey, now);
    stats.rebirthRequests++;
    const payload = encodePayload({ timestamp: now, metrics: [{ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true }] });
    client.publish(sparkplugTopic({ group, type: 'NCMD', edge }), Buffer.from(payload), { qos: 0 });
    logger.info({ group, edge }, 'asked the edge node to rebirth (DATA arrived without a known birth)');
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

  function handleBirth(topic: string, group: string, edge: string, device: string, buf: Buffer): void {
    const payload = decode(buf);
    trackSeq(topic, key(group, edge), payload.seq, device === NODE_DEVICE);
    const defs: MetricDefinition[] = [];
    const points: TelemetryPoint[] = [];
    const aliases = new Set<number>();
    const fallbackTs = payload.timestamp ?? Date.now();
    for (const metric of payload.metrics) {
      // [tck-id-payloads-alias-birth-requirement] [tck-id-topics-nbirth-metrics]
      if (metric.name === undefined || metric.datatype === undefined) {
        throw new RejectedFrame('birth_incomplete', `a birth metric lacks its ${metric.name === undefined ? 'name' : `datatype ("${metric.name}")`}`);
      }
      if (metric.alias !== undefined) {
        // [tck-id-payloads-alias-uniqueness]
        if (aliases.has(metric.alias)) throw new RejectedFrame('duplicate_alias', `alias ${metric.alias} is used twice in one birth`);
        aliases.add(metric.alias);
      }
      defs.push({
        group, edge, device, tag: metric.name, alias: metric.alias, datatype: metric.datatype,
        unit: stringProperty(metric, 'engUnit'), protocol: stringProperty(metric, 'protocol'),
      });
      if (metric.isTransient !== true) points.push(pointOf(group, edge, device, metric.name, metric, fallbackTs));
    }
    try {
      store.defineMetrics(defs);
    } catch (error) {
      throw new RejectedFrame('store_error', (error as Error).message);
    }
    for (const def of defs) byName.set(key(group, edge, device, def.tag), def);
    stats.births++;
    insert(points);
  }

  function pointOf(group: string, edge: string, device: string, tag: string, metric: SparkplugMetric, fallbackTs: number): TelemetryPoint {
    const quality = qualityFromSparkplug(metric.properties?.[QUALITY_PROPERTY]?.value);
    return {
      group, edge, device, tag,
      value: storedValue(metric.value),
      quality,
      ts: metric.timestamp ?? fallbackTs,
      // Our gateways say why a value is not good in the custom 'errorCode' property
      // (docs/sparkplug-wire.md); other senders leave it out, and a good value has no error.
      error: quality === 'good' ? null : stringProperty(metric, ERROR_CODE_PROPERTY),
    };
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
    const payload = decode(buf, (metric) => {
      const datatype = definitionFor(group, edge, device, metric)?.datatype;
      return isDataTypeName(datatype) ? datatype : undefined;
    });
    trackSeq(topic, key(group, edge), payload.seq, false);
    const fallbackTs = payload.timestamp ?? Date.now();
    const points: TelemetryPoint[] = [];
    for (const metric of payload.metrics) {
      const def = definitionFor(group, edge, device, metric);
      if (def === undefined) {
        requestRebirth(group, edge);
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
    insert(points);
  }

  function handleFrame(topic: string, buf: Buffer): void {
    const parsed = parseSparkplugTopic(topic);
    // Host-to-edge traffic (our own rebirth requests among it) is not ingested nor counted.
    if (!('error' in parsed) && (parsed.type === 'STATE' || parsed.type === 'NCMD' || parsed.type === 'DCMD')) return;
    stats.framesReceived++;
    if ('error' in parsed) throw new RejectedFrame('bad_topic', parsed.error);
    const { group, edge } = parsed;
    const device = parsed.device ?? NODE_DEVICE;
    switch (parsed.type) {
      case 'NDEATH':
      case 'DDEATH':
        // Session and link state (marking the edge's tags stale) is a later issue.
        stats.deaths++;
        logger.info({ topic, group, edge, device: parsed.device }, `Sparkplug ${parsed.type}`);
        return;
      case 'NBIRTH':
      case 'DBIRTH':
        handleBirth(topic, group, edge, device, buf);
        return;
      case 'NDATA':
      case 'DDATA':
        handleData(topic, group, edge, device, buf);
        return;
    }
  }

  function onMessage(topic: string, buf: Buffer): void {
    try {
      handleFrame(topic, buf);
    } catch (error) {
      if (error instanceof RejectedFrame) reject(topic, error.reason, error.message);
      else reject(topic, 'internal_error', (error as Error)?.message ?? String(error));
    }
  }

  const clientOptions: IClientOptions = {
    protocolVersion: 4, // aedes speaks MQTT 3.1.1 only
    clientId: options.clientId ?? 'edgestock-cloud-ingest',
    clean: false, // the broker queues our QoS 1 messages while we reconnect
    username,
    password,
    reconnectPeriod: options.reconnectPeriodMs ?? 1000,
    resubscribe: false, // we subscribe on every connect (a broker restart loses the session)
    ...options.tls,
  };
  const client: MqttClient = mqtt.connect(url, clientOptions);
  client.on('message', onMessage);
  client.on('close', () => {
    if (stats.connected) logger.warn({ url }, 'MQTT connection to the broker lost; reconnecting');
    stats.connected = false;
  });
  client.on('error', (error) => logger.warn({ err: error, url }, 'MQTT client error'));

  let onStartError: ((error: Error & { code?: number }) => void) | undefined;
  const started = new Promise<void>((resolve, reject_) => {
    const timer = setTimeout(() => {
      logger.warn({ url }, 'broker not reachable yet; the ingest keeps retrying');
      resolve();
    }, options.startTimeoutMs ?? 10_000);
    client.on('connect', () => {
      stats.connected = true;
      (client.stream as Socket).setNoDelay?.(true); // Nagle adds tens of ms per frame (TOOLCHAIN.md)
      client.subscribe(SUBSCRIPTION, { qos: 1 }, (error) => {
        if (error) {
          logger.error({ err: error }, `cannot subscribe to ${SUBSCRIPTION}`);
          return;
        }
        logger.info({ url, topic: SUBSCRIPTION }, 'Sparkplug ingest subscribed');
        clearTimeout(timer);
        resolve();
      });
    });
    // Refused credentials will not heal by retrying: fail the start. MQTT 3.1.1 CONNACK return
    // codes 4 (bad user name or password) and 5 (not authorized) [MQTT-3.2.2-3].
    onStartError = (error) => {
      if (error.code === 4 || error.code === 5) {
        clearTimeout(timer);
        client.end(true);
        reject_(new Error(`The broker at ${url} refused the ingest's login (${error.message}); check the broker credentials`));
      }
    };
    client.on('error', onStartError);
  });
  try {
    await started;
  } finally {
    client.off('error', onStartError!);
  }

  let closing: Promise<void> | undefined;
  return {
    stats: () => ({ ...stats, rejectedByReason: { ...stats.rejectedByReason } }),
    close() {
      closing ??= client.endAsync().then(() => undefined);
      return closing;
    },
  };
}
