/**
 * The composition root of the edge daemon: builds the parts from the site config and wires them
 *   connectors -> scheduler -> tag cache -> change filter -> outbox -> Sparkplug edge node
 * plus the local health/metrics API. It composes; each part does its own work.
 * SIGTERM handling lives in the CLI (bin/), not here.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type ConfigProblem } from '../config/config-error.ts';
import { readClientTlsFiles } from '../config/read-tls-files.ts';
import type { SiteConfig } from '../config/site-schema.ts';
import { systemClock, type Clock } from '../connectors/clock.ts';
import { pkiDirOf } from '../connectors/opcua/index.ts';
import type { Connector, LinkState, TagValue } from '../connectors/connector.ts';
import { ChangeFilter, DEFAULT_HEARTBEAT_MS } from './change-filter.ts';
import { createConnector, describeDevice, knownProtocols, protocolEntry } from './connector-factory.ts';
import { buildHealthApp, type HealthReport } from './http/health-api.ts';
import { GatewayMetrics } from './metrics.ts';
import { SparkplugEdgeNode, type EdgeNodeStats } from './north/sparkplug-edge-node.ts';
import type { OutboxStats } from './outbox/outbox.ts';
import { openSqliteOutbox } from './outbox/sqlite-outbox.ts';
import { Scheduler, type GroupStats, type ReadResult } from './scheduler.ts';
import { TagCache } from './tag-cache.ts';

export interface GatewayOptions {
  config: SiteConfig;
  logger: Logger;
  clock?: Clock;
  /** Report unchanged values at least this often (ms); 0 disables. Default 60 s. */
  heartbeatMs?: number;
  /** MQTT protocol version of the north link: 4 = 3.1.1 (default), 5. */
  mqttProtocolVersion?: 4 | 5;
  /** How long close() keeps publishing queued rows before it disconnects. Default 2 s. */
  closeDrainTimeoutMs?: number;
}

export interface GatewayStats {
  uptimeS: number;
  links: Record<string, LinkState>;
  north: EdgeNodeStats;
  outbox: OutboxStats;
  scheduler: GroupStats[];
}

export interface RunningGateway {
  /** The port the health/metrics API listens on (useful when the config asks for port 0). */
  httpPort: number;
  stats(): GatewayStats;
  close(): Promise<void>;
}

/**
 * Every problem the schema cannot see, all at once: unknown protocols, duplicate device names and
 * each connector's own address checks, with paths like `connectors[0].tags[3].address`.
 */
export function validateSiteConfig(config: SiteConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const firstIndexOf = new Map<string, number>();
  config.connectors.forEach((connector, i) => {
    const first = firstIndexOf.get(connector.name);
    if (first !== undefined) {
      problems.push({ path: `connectors[${i}].name`, message: `"${connector.name}" is already the name of connectors[${first}]; connector names are Sparkplug device ids and must be unique` });
    } else firstIndexOf.set(connector.name, i);
    if (!protocolEntry(connector.protocol)) {
      problems.push({ path: `connectors[${i}].protocol`, message: `unknown protocol "${connector.protocol}"; expected one of ${knownProtocols().join(', ')}` });
      return;
    }
    for (const problem of createConnector(connector).validate()) {
      problems.push({ path: `connectors[${i}].${problem.path}`, message: problem.message });
    }
  });
  return problems;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const problems = validateSiteConfig(config);
  if (problems.length > 0) throw new ConfigError('site config', problems);
  // Read before anything is opened, so a missing PEM file leaves nothing to clean up.
  const northTls = config.north.tls ? readClientTlsFiles(config.north.tls, 'north.tls') : undefined;

  const startedAt = clock.now();
  mkdirSync(config.gateway.dataDir, { recursive: true });
  const outboxPath = config.outbox.path ?? join(config.gateway.dataDir, 'outbox.sqlite');
  mkdirSync(dirname(outboxPath), { recursive: true });
  const outbox = openSqliteOutbox({ path: outboxPath, maxBytes: config.outbox.maxBytes });

  const connectors: Connector[] = config.connectors.map((c) => createConnector(c, { clock, pkiDir: pkiDirOf(config.gateway.dataDir), logger: logger.child({ connector: c.name }) }));
  const deadbands = new Map(config.connectors.flatMap((c) => c.tags.map((t) => [`${c.name}\u0000${t.name}`, t.deadband] as const)));
  const tagCache = new TagCache();
  const changeFilter = new ChangeFilter({
    deadbandOf: (device, tag) => deadbands.get(`${device}\u0000${tag}`) ?? 0,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
  });
  const north = config.north;
  const edgeNode = new SparkplugEdgeNode({
    group: config.gateway.group,
    edge: config.gateway.edge,
    url: north.url,
    tls: northTls,
    username: north.username,
    password: north.password,
    clientId: north.clientId,
    keepaliveS: north.keepaliveS,
    batchSize: north.batchSize,
    maxMetricsPerFrame: north.maxMetricsPerFrame,
    reconnect: north.reconnect,
    protocolVersion: options.mqttProtocolVersion,
    devices: config.connectors.map(describeDevice),
    outbox,
    currentValue: (device, tag) => tagCache.get(device, tag),
    logger: logger.child({ part: 'north' }),
    clock,
  });

  const links = (): Record<string, LinkState> => Object.fromEntries(connectors.map((c) => [c.name, c.linkState()]));
  const metrics = new GatewayMetrics({
    outbox: () => outbox.stats(),
    links: () => ({ ...links(), north: edgeNode.stats().linkState }),
    north: () => edgeNode.stats(),
    scheduler: () => scheduler.stats(), // read at scrape time, after the scheduler exists
  });

  const queue = (result: ReadResult): void => {
    metrics.pointsRead.inc({ device: result.connector }, result.values.length);
    for (const v of result.values) if (v.quality !== 'good') metrics.readErrors.inc({ device: result.connector, code: v.error ?? 'UNKNOWN' });
    tagCache.update(result.values);
    const report = changeFilter.filter(result.values);
    if (report.length === 0) return;
    try {
      outbox.append(report.map(toOutboxInput)); // one transaction per read result
    } catch (error) {
      // Report these values again on the next read rather than assume they were stored.
      changeFilter.reset(result.connector);
      metrics.outboxAppendFailures.inc();
      logger.error({ err: error, connector: result.connector, count: report.length }, 'cannot commit values to the outbox');
      return;
    }
    metrics.pointsQueued.inc(report.length);
    edgeNode.notify();
  };
  const scheduler = new Scheduler(connectors, {
    clock,
    onResult: queue,
    onError: (error, where) => logger.error({ err: error, ...where }, 'read failed unexpectedly (a bug: connectors report device errors as bad values)'),
  });

  const health = (): HealthReport => {
    const northStats = edgeNode.stats();
    const linkStates = links();
    const allUp = northStats.linkState === 'up' && Object.values(linkStates).every((s) => s === 'up');
    return {
      status: allUp ? 'ok' : 'degraded',
      uptimeS: (clock.now() - startedAt) / 1000,
      links: linkStates,
      north: northStats,
      outbox: outbox.stats(),
    };
  };
  const app = buildHealthApp({ health, registry: metrics.registry, logger: logger.child({ part: 'http' }) });
  try {
    await app.listen({ host: config.gateway.http.host, port: config.gateway.http.port });
  } catch (error) {
    outbox.close();
    await app.close();
    throw error;
  }

  // Devices may be away: connect in the background, reads report 'bad' until the link is up.
  const connecting = new AbortController();
  for (const connector of connectors) {
    connector.connect({ signal: connecting.signal }).then(
      () => logger.info({ connector: connector.name }, 'connector link up'),
      (error) => { if (!connecting.signal.aborted) logger.error({ err: error, connector: connector.name }, 'connector cannot connect'); },
    );
  }
  edgeNode.start();
  scheduler.start();
  logger.info({ group: config.gateway.group, edge: config.gateway.edge, outbox: outboxPath, connectors: connectors.length }, 'gateway started');

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    await scheduler.stop();
    connecting.abort(new Error('gateway closing'));
    await Promise.all(connectors.map((c) => c.close().catch((error) => logger.warn({ err: error, connector: c.name }, 'error while closing connector'))));
    await edgeNode.stop({ drainTimeoutMs: options.closeDrainTimeoutMs ?? 2000 });
    outbox.close();
    await app.close();
    logger.info('gateway stopped');
  })());

  return {
    httpPort: (app.server.address() as AddressInfo).port,
    stats: () => ({ uptimeS: (clock.now() - startedAt) / 1000, links: links(), north: edgeNode.stats(), outbox: outbox.stats(), scheduler: scheduler.stats() }),
    close,
  };
}

function toOutboxInput(v: TagValue) {
  return { kind: 'sample' as const, device: v.device, tag: v.tag, value: v.value, quality: v.quality, ts: v.ts, ...(v.error !== undefined ? { error: v.error } : {}) };
}
