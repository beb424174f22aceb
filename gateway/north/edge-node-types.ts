/**
 * The edge node's options, its session hooks and its statistics (sparkplug-edge-node.ts).
 */
import type { Logger } from 'pino';
import type { BackoffPolicy } from '../../connectors/backoff.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { LinkState, TagValue } from '../../connectors/connector.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { CatalogDevice } from './metric-catalog.ts';
import type { MqttConnect, MqttSession, MqttTlsOptions } from './mqtt-port.ts';

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
  /** Largest number of outbox records per lane and publish cycle. */
  batchSize: number;
  maxMetricsPerFrame: number;
  reconnect: BackoffPolicy;
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5. */
  protocolVersion?: 4 | 5;
  /** host_id of the primary host application; set: publish only while its STATE says online. */
  primaryHostId?: string;
  /** Backlog replay budget, samples per second (default 20,000). Live rows are not limited. */
  replayPointsPerS?: number;
  /** Period of the NDATA with the node's outbox figures (default 5 s). */
  statusIntervalMs?: number;
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
  /** Of pointsPublished, those replayed from the backlog with isHistorical. */
  historicalPointsPublished: number;
  eventsPublished: number;
  /** Outbox records that could not be sent as DDATA (see DdataBatch.unroutable) and were acked away. */
  unroutablePoints: number;
  unfitPoints: number;
  /** Live bad-quality rows of a device that was dead (after its DDEATH), acked without sending. */
  withheldPoints: number;
  deviceDeaths: number;
  deviceRebirths: number;
  /** Devices whose last word in this session was a DDEATH. */
  deadDevices: string[];
  rebirthRequests: number;
  badCommands: number;
  /** NCMD metrics other than 'Node Control/Rebirth' (ignored). */
  unknownCommandMetrics: number;
  /** null: no primary host configured; else whether its STATE says online. */
  hostOnline: boolean | null;
  stateMessages: number;
  /** STATE messages that were not the documented JSON, or older than the last one. */
  badStateMessages: number;
  /** Sessions ended because the primary host went offline. */
  hostOfflineDisconnects: number;
  /** Rows queued before this session's birth still to be replayed. */
  backlogRows: number;
  lastError: string | null;
  lastPublishAt: number | null;
}
