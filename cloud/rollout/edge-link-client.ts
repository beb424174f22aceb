/**
 * The cloud's end of the edge link (docs/gateway-commands.md): sends a command to one gateway and
 * resolves with its acknowledgement, hears what each gateway reports it runs, and follows each
 * edge node's Sparkplug session (NBIRTH / NDEATH with matching bdSeq) to know who is online.
 * A gateway that does not answer in time rejects with GatewayTimeoutError; nothing else waits.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  ackSchema, configReportSchema, edgeLinkTopic, EDGE_LINK_PREFIX, parseEdgeLinkTopic, readJsonPayload,
  type CommandType, type ConfigReport, type EdgeAck,
} from '../../connectors/edge-link/index.ts';
import { decodePayload, parseSparkplugTopic } from '../../connectors/sparkplug/index.ts';

export interface EdgeLinkClientOptions {
  url: string;
  username?: string;
  password?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  onConfigReport: (group: string, edge: string, report: ConfigReport) => void;
  /** Default wait for an acknowledgement. */
  timeoutMs?: number;
}

export interface GatewaySession {
  online: boolean;
  bdSeq: number | null;
  since: number;
}

export interface EdgeLinkClient {
  send(group: string, edge: string, type: CommandType, args: Record<string, unknown>, options?: { timeoutMs?: number; by?: string }): Promise<EdgeAck>;
  session(group: string, edge: string): GatewaySession | undefined;
  stats(): { connected: boolean; sent: number; acknowledged: number; timedOut: number; malformed: number };
  close(): Promise<void>;
}

export class GatewayTimeoutError extends Error {
  constructor(group: string, edge: string, type: string, timeoutMs: number) {
    super(`gateway ${group}/${edge} did not acknowledge ${type} within ${timeoutMs} ms; it may be offline (its health page or /api/gateways tells)`);
    this.name = 'GatewayTimeoutError';
  }
}

const SUBSCRIPTIONS = [`${EDGE_LINK_PREFIX}/+/+/ack`, `${EDGE_LINK_PREFIX}/+/+/config`, 'spBv1.0/+/NBIRTH/+', 'spBv1.0/+/NDEATH/+'];

export async function startEdgeLinkClient(options: EdgeLinkClientOptions): Promise<EdgeLinkClient> {
  const { logger } = options;
  const pending = new Map<string, { resolve: (ack: EdgeAck) => void; timer: NodeJS.Timeout }>();
  const sessions = new Map<string, GatewaySession>();
  const stats = { connected: false, sent: 0, acknowledged: 0, timedOut: 0, malformed: 0 };

  const onMessage = (topic: string, payload: Buffer) => {
    const link = parseEdgeLinkTopic(topic);
    if (link?.channel === 'ack') {
      const ack = readJsonPayload(ackSchema, payload);
      if (!ack.ok) {
        stats.malformed++;
        logger.warn({ topic, err: ack.error }, 'ignored a malformed acknowledgement');
        return;
      }
      const waiting = pending.get(ack.value.id);
      if (!waiting) return; // a late or repeated answer
      pending.delete(ack.value.id);
      clearTimeout(waiting.timer);
      stats.acknowledged++;
      waiting.resolve(ack.value as EdgeAck);
    } else if (link?.channel === 'config') {
      const report = readJsonPayload(configReportSchema, payload);
      if (!report.ok) {
        stats.malformed++;
        logger.warn({ topic, err: report.error }, 'ignored a malformed configuration report');
        return;
      }
      try {
        options.onConfigReport(link.group, link.edge, report.value);
      } catch (error) {
        logger.error({ err: error, topic }, 'could not record a configuration report');
      }
    } else {
      followSession(topic, payload);
    }
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
    protocolVersion: 4,
    clientId: `edgestock-cloud-edge-link-${randomUUID().slice(0, 8)}`,
    clean: true,
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
      const id = randomUUID();
      const command = { id, type, args, issuedAt: Date.now(), ...(sendOptions.by ? { by: sendOptions.by } : {}) };
      return new Promise<EdgeAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          stats.timedOut++;
          reject(new GatewayTimeoutError(group, edge, type, timeoutMs));
        }, timeoutMs);
        pending.set(id, { resolve, timer });
        stats.sent++;
        client.publish(edgeLinkTopic(group, edge, 'cmd'), JSON.stringify(command), { qos: 1 }, (error) => {
          if (error) logger.warn({ err: error, group, edge, type }, 'could not publish a command; waiting for the timeout');
        });
      });
    },
    session: (group, edge) => sessions.get(`${group}/${edge}`),
    stats: () => ({ ...stats }),
    async close() {
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
      await client.endAsync();
    },
  };
}
