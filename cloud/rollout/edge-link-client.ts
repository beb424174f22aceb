/**
 * The cloud's end of the edge link (docs/gateway-commands.md, docs/edge-events.md): sends a command
 * to one gateway and resolves with its acknowledgement, hears what each gateway reports it runs,
 * receives its edge events, and follows each edge node's Sparkplug session (NBIRTH / NDEATH with
 * matching bdSeq) to know who is online. A gateway that does not answer in time rejects with
 * GatewayTimeoutError; nothing else waits.
 *
 * Gateways publish from their outbox, so anything may arrive twice (a replay after a reconnect or a
 * kill -9) and late (after an outage): an acknowledgement settles its command once, a configuration
 * report is applied once per id, an event is stored once per (group, edge, id). Repeats are counted,
 * never errors. A payload that is not JSON or not the schema is counted and logged with its topic;
 * nothing a gateway sends can throw out of here.
 *
 * The session is persistent (clean session false, a fixed client id), like the ingest's: the
 * gateway deletes an event once the broker has it, so while this cloud restarts the broker must
 * queue the events for it (docs/production-broker.md, "The cloud ingest's persistent session").
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  ackSchema, configReportSchema, edgeEventSchema, edgeLinkTopic, EDGE_LINK_PREFIX, MAX_EDGE_EVENT_BYTES, parseEdgeLinkTopic, readJsonPayload,
  type CommandType, type ConfigReport, type EdgeAck, type EdgeEvent, type EdgeLinkChannel,
} from '../../connectors/edge-link/index.ts';
import { decodePayload, parseSparkplugTopic } from '../../connectors/sparkplug/index.ts';

export interface EdgeLinkClientOptions {
  url: string;
  username?: string;
  password?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  onConfigReport: (group: string, edge: string, report: ConfigReport) => void;
  /**
   * Stores an edge event idempotently: true when it was new, false when this gateway's id was
   * stored already (EdgeEventStore.add). Without it events are validated and counted only.
   */
  onEvent?: (group: string, edge: string, event: EdgeEvent) => boolean;
  /** Default wait for an acknowledgement. */
  timeoutMs?: number;
  /** Default 'edgestock-cloud-edge-link': one cloud per broker, as for the ingest. */
  clientId?: string;
  /** MQTT 3.1.1 (4, default) or MQTT 5, as the cloud config's ingest.protocolVersion. */
  protocolVersion?: 4 | 5;
}

export interface GatewaySession {
  online: boolean;
  bdSeq: number | null;
  since: number;
}

export interface SendOptions {
  timeoutMs?: number;
  by?: string;
  /**
   * The command's id; default a new UUID. Sending an id again asks again for the same command: the
   * gateway answers it from its ledger without running it twice (docs/edge-events.md).
   */
  id?: string;
}

export interface EdgeLinkStats {
  connected: boolean;
  sent: number;
  /** Commands settled by their acknowledgement. */
  acknowledged: number;
  timedOut: number;
  /** Acknowledgements and configuration reports that were not JSON or not the schema. */
  malformed: number;
  /** Acknowledgements of a command settled already (an outbox replay): ignored. */
  duplicateAcks: number;
  /** Acknowledgements nobody waits for: after the wait timed out, or from before this cloud started. */
  lateAcks: number;
  /** Configuration reports applied. */
  configReports: number;
  /** Configuration reports whose id was applied already: ignored. */
  duplicateReports: number;
  events: EdgeEventStats;
}

export interface EdgeEventStats {
  /** Valid events received, first copies and repeats alike. */
  received: number;
  /** Events whose (group, edge, id) was stored already. */
  duplicates: number;
  /** Not JSON, not the schema, or larger than MAX_EDGE_EVENT_BYTES. */
  rejected: number;
  /** Valid events the store could not take (logged; lost unless the gateway sends them again). */
  failed: number;
}

export interface EdgeLinkClient {
  send(group: string, edge: string, type: CommandType, args: Record<string, unknown>, options?: SendOptions): Promise<EdgeAck>;
  session(group: string, edge: string): GatewaySession | undefined;
  stats(): EdgeLinkStats;
  close(): Promise<void>;
}

export class GatewayTimeoutError extends Error {
  constructor(group: string, edge: string, type: string, timeoutMs: number) {
    super(`gateway ${group}/${edge} did not acknowledge ${type} within ${timeoutMs} ms; it may be offline (its health page or /api/gateways tells)`);
    this.name = 'GatewayTimeoutError';
  }
}

const SUBSCRIPTIONS = [
  `${EDGE_LINK_PREFIX}/+/+/ack`, `${EDGE_LINK_PREFIX}/+/+/config`, `${EDGE_LINK_PREFIX}/+/+/event`, 'spBv1.0/+/NBIRTH/+', 'spBv1.0/+/NDEATH/+',
];
/** MQTT 5 only: how long the broker keeps our session (and queues QoS 1 for it) while we are away; as the ingest's. */
const SESSION_EXPIRY_S = 24 * 3600;
/** How many settled command ids are remembered to tell a repeated acknowledgement from a late one. */
const REMEMBERED_ACKS = 10_000;
/** How many configuration report ids are remembered per gateway. */
const REMEMBERED_REPORTS = 64;

/** A set that forgets its oldest members beyond `capacity`. */
class RecentIds {
  readonly #ids = new Set<string>();
  constructor(readonly capacity: number) {}
  has(id: string): boolean {
    return this.#ids.has(id);
  }
  add(id: string): void {
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.values().next().value!);
  }
}

interface Waiter {
  resolve: (ack: EdgeAck) => void;
  timer: NodeJS.Timeout;
}

export async function startEdgeLinkClient(options: EdgeLinkClientOptions): Promise<EdgeLinkClient> {
  const { logger } = options;
  /** Command id -> everyone waiting for its acknowledgement (one per send of that id). */
  const pending = new Map<string, Set<Waiter>>();
  const settledAcks = new RecentIds(REMEMBERED_ACKS);
  const appliedReports = new Map<string, RecentIds>();
  const sessions = new Map<string, GatewaySession>();
  const stats = {
    connected: false, sent: 0, acknowledged: 0, timedOut: 0, malformed: 0,
    duplicateAcks: 0, lateAcks: 0, configReports: 0, duplicateReports: 0,
  };
  const eventStats: EdgeEventStats = { received: 0, duplicates: 0, rejected: 0, failed: 0 };

  const onAck = (topic: string, payload: Buffer) => {
    const ack = readJsonPayload(ackSchema, payload);
    if (!ack.ok) {
      stats.malformed++;
      logger.warn({ topic, err: ack.error }, 'ignored a malformed acknowledgement');
      return;
    }
    const { id } = ack.value;
    const waiters = pending.get(id);
    if (!waiters) {
      if (settledAcks.has(id)) stats.duplicateAcks++;
      else {
        settledAcks.add(id); // a replay of this late answer is a duplicate, not another late one
        stats.lateAcks++;
        logger.info({ topic, id, type: ack.value.type, ok: ack.value.ok }, 'an acknowledgement arrived that nobody waits for (timed out, or sent before this cloud started)');
      }
      return;
    }
    pending.delete(id);
    settledAcks.add(id);
    stats.acknowledged++;
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(ack.value as EdgeAck);
    }
  };

  const onConfig = (topic: string, payload: Buffer, group: string, edge: string) => {
    const report = readJsonPayload(configReportSchema, payload);
    if (!report.ok) {
      stats.malformed++;
      logger.warn({ topic, err: report.error }, 'ignored a malformed configuration report');
      return;
    }
    const { id } = report.value;
    const key = `${group}/${edge}`;
    const applied = appliedReports.get(key) ?? new RecentIds(REMEMBERED_REPORTS);
    appliedReports.set(key, applied);
    if (id !== undefined && applied.has(id)) {
      stats.duplicateReports++;
      return;
    }
    try {
      options.onConfigReport(group, edge, report.value);
      stats.configReports++;
      if (id !== undefined) applied.add(id);
    } catch (error) {
      logger.error({ err: error, topic }, 'could not record a configuration report');
    }
  };

  const onEvent = (topic: string, payload: Buffer, group: string, edge: string) => {
    const event = payload.length > MAX_EDGE_EVENT_BYTES
      ? { ok: false as const, error: `${payload.length} bytes, expected at most ${MAX_EDGE_EVENT_BYTES}` }
      : readJsonPayload(edgeEventSchema, payload);
    if (!event.ok) {
      eventStats.rejected++;
      logger.warn({ topic, err: event.error }, 'rejected a malformed edge event');
      return;
    }
    eventStats.received++;
    let stored: boolean;
    try {
      stored = options.onEvent?.(group, edge, event.value) ?? true;
    } catch (error) {
      eventStats.failed++;
      logger.error({ err: error, topic, id: event.value.id }, 'could not store an edge event');
      return;
    }
    if (!stored) eventStats.duplicates++;
  };

  const channels: Partial<Record<EdgeLinkChannel, (topic: string, payload: Buffer, group: string, edge: string) => void>> = {
    ack: onAck, config: onConfig, event: onEvent,
  };

  const onMessage = (topic: string, payload: Buffer) => {
    const link = parseEdgeLinkTopic(topic);
    if (!link) followSession(topic, payload);
    else channels[link.channel]?.(topic, payload, link.group, link.edge);
  };

  /** Online from NBIRTH; offline from the NDEATH of that same session (a late Will of an older one changes nothing). */
  const followSession = (topic: string, payload: Buffer) => {
    const parsed = parseSparkplugTopic(topic);
    if ('error' in parsed || parsed.type === 'STATE') return;
    let bdSeq: number | null = null;
    try {
      const metric = decodePayload(payload).metrics.find((m) => m.name === 'bdSeq');
      bdSeq = metric && typeof metric.value !== 'object' ? Number(metric.value) : null;
    } catch {
      return; // the ingest counts malformed frames
    }
    const key = `${parsed.group}/${parsed.edge}`;
    const current = sessions.get(key);
    if (parsed.type === 'NBIRTH') sessions.set(key, { online: true, bdSeq, since: Date.now() });
    else if (parsed.type === 'NDEATH' && (!current || current.bdSeq === bdSeq)) sessions.set(key, { online: false, bdSeq, since: Date.now() });
  };

  const client: MqttClient = mqtt.connect(options.url, {
    protocolVersion: options.protocolVersion ?? 4,
    clientId: options.clientId ?? 'edgestock-cloud-edge-link',
    clean: false,
    ...(options.protocolVersion === 5 ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
    username: options.username,
    password: options.password,
    reconnectPeriod: 1000,
    ...options.tls,
  });
  client.on('message', onMessage);
  client.on('error', (error) => logger.warn({ err: error, url: options.url }, 'edge link MQTT client error'));
  client.on('close', () => { stats.connected = false; });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ url: options.url }, 'broker not reachable yet; the edge link keeps retrying');
      resolve();
    }, 10_000);
    client.on('connect', () => {
      stats.connected = true;
      (client.stream as Socket).setNoDelay?.(true);
      client.subscribe(SUBSCRIPTIONS, { qos: 1 }, (error) => {
        if (error) logger.error({ err: error }, 'edge link cannot subscribe');
        clearTimeout(timer);
        resolve();
      });
    });
  });

  return {
    send(group, edge, type, args, sendOptions = {}) {
      const timeoutMs = sendOptions.timeoutMs ?? options.timeoutMs ?? 10_000;
      const id = sendOptions.id ?? randomUUID();
      const command = { id, type, args, issuedAt: Date.now(), ...(sendOptions.by ? { by: sendOptions.by } : {}) };
      return new Promise<EdgeAck>((resolve, reject) => {
        const waiters = pending.get(id) ?? new Set<Waiter>();
        pending.set(id, waiters);
        const waiter: Waiter = {
          resolve,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            if (waiters.size === 0 && pending.get(id) === waiters) pending.delete(id);
            stats.timedOut++;
            reject(new GatewayTimeoutError(group, edge, type, timeoutMs));
          }, timeoutMs),
        };
        waiters.add(waiter);
        stats.sent++;
        client.publish(edgeLinkTopic(group, edge, 'cmd'), JSON.stringify(command), { qos: 1 }, (error) => {
          if (error) logger.warn({ err: error, group, edge, type }, 'could not publish a command; waiting for the timeout');
        });
      });
    },
    session: (group, edge) => sessions.get(`${group}/${edge}`),
    stats: () => ({ ...stats, events: { ...eventStats } }),
    async close() {
      for (const waiters of pending.values()) for (const { timer } of waiters) clearTimeout(timer);
      pending.clear();
      await client.endAsync();
    },
  };
}
