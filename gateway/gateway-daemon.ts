/**
 * The composition root of the edge daemon: builds the parts from the site config and wires them
 *   connectors -> scheduler -> tag cache -> change filter -> outbox -> Sparkplug edge node
 *                                      \-> rules host -> effects, rule events -> outbox
 *   devices -> device broker -> scan service -> decider -> scan events -> outbox, decision -> device
 * plus the local health/metrics API. It composes; each part does its own work.
 * SIGTERM handling lives in the CLI (bin/), not here.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type ConfigProblem } from '../config/config-error.ts';
import { readClientTlsFiles } from '../config/read-tls-files.ts';
import { parseConfig } from '../config/load-config.ts';
import { siteConfigSchema, type ConnectorConfig, type SiteConfig } from '../config/site-schema.ts';
import type { ConfigReport } from '../connectors/edge-link/index.ts';
import { systemClock, type Clock } from '../connectors/clock.ts';
import { pkiDirOf } from '../connectors/opcua/index.ts';
import type { LinkState, TagValue } from '../connectors/connector.ts';
import { ChangeFilter, DEFAULT_HEARTBEAT_MS } from './change-filter.ts';
import { CommandChannel, type CommandChannelStats } from './commands/command-channel.ts';
import { openCommandLedger } from './commands/command-ledger.ts';
import { createCommandHandlers } from './commands/command-handlers.ts';
import { ConnectorSet } from './connector-set.ts';
import { ConnectorLinkEvents } from './events/connector-link-events.ts';
import { EdgeEvents } from './events/edge-events.ts';
import { EdgeLinkOutbox } from './events/edge-link-outbox.ts';
import { pushedConfigPath, readPushedConfig, writePushedConfig } from './pushed-config.ts';
import { ScenarioPermissionStore } from './scenario-permissions.ts';
import { openRulesRuntime, type RulesRuntime } from './rules/open-rules-runtime.ts';
import { openScanStation, type ScanningStats, type ScanStation } from './devices/scan-station.ts';
import type { RulesHealth, RulesHost } from './rules/rules-host.ts';
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
  /** Overrides north.protocolVersion of the site file: 4 = MQTT 3.1.1, 5 = MQTT 5. */
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
  commands: CommandChannelStats;
  /** The connector configuration it runs: 0 = the site file's, else the version pushed by the cloud. */
  configVersion: number;
  /** Hash of the scenario permissions held for offline decisions, null before the cloud sent any. */
  scenarioPermissions: string | null;
  rules: RulesHealth;
  /** The device broker, scans and master data; absent without a `scanning` section. */
  scanning?: ScanningStats;
}

export interface RunningGateway {
  /** The port the health/metrics API listens on (useful when the config asks for port 0). */
  httpPort: number;
  /** The rules runtime: facts for rules (scans), the location block list. */
  rules: Pick<RulesHost, 'setFact' | 'isBlocked' | 'report' | 'idle'>;
  stats(): GatewayStats;
  /** The device broker's listening ports, when the site scans. */
  deviceBroker?: { port: number; tlsPort: number | undefined };
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
  const dataDir = config.gateway.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const running = pushedConnectorsOrFile(config, logger);
  const outboxPath = config.outbox.path ?? join(dataDir, 'outbox.sqlite');
  mkdirSync(dirname(outboxPath), { recursive: true });
  const outbox = openSqliteOutbox({ path: outboxPath, maxBytes: config.outbox.maxBytes });
  // Acknowledgements, config reports and events go through the outbox (docs/edge-events.md).
  const edgeLink = new EdgeLinkOutbox({ outbox, notify: () => edgeNode.notify(), clock });
  const events = new EdgeEvents({ link: edgeLink, clock });
  const ledger = openCommandLedger({ path: join(dataDir, 'commands.sqlite'), clock });

  const pkiDir = pkiDirOf(dataDir);
  const buildConnector = (c: ConnectorConfig) => createConnector(c, { clock, pkiDir, logger: logger.child({ connector: c.name }) });
  const tagCache = new TagCache();
  const changeFilter = new ChangeFilter({
    deadbandOf: (device, tag) => connectorSet.deadbandOf(device, tag),
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
  });
  const connectorSet: ConnectorSet = new ConnectorSet({
    create: buildConnector,
    schedule: (connector): void => scheduler.add(connector),
    unschedule: (name): Promise<void> => scheduler.remove(name),
    forget: (name) => {
      tagCache.forget(name);
      changeFilter.reset(name);
    },
    logger,
  });
  connectorSet.load(running.connectors);

  const scenarioPermissions = new ScenarioPermissionStore(dataDir);
  let rulesRuntime: RulesRuntime;
  try {
    rulesRuntime = await openRulesRuntime({
      events,
      // The path tag.write commands take: the running connector's own write.
      writeTag: async (device, tag, value) => {
        const connector = connectorSet.get(device);
        if (!connector) throw new Error(`no connector named "${device}" runs on this gateway; check the glossary term's source device`);
        await connector.write(tag, value);
      },
      dataDir,
      siteFile: config.rules?.file,
      clock,
      logger: logger.child({ part: 'rules' }),
    });
  } catch (error) {
    outbox.close();
    ledger.close();
    throw error;
  }
  const rules = rulesRuntime.host;
  let scanning: ScanStation | undefined;
  try {
    scanning = config.scanning && await openScanStation({
      config: config.scanning,
      dataDir,
      tagCache,
      permissions: scenarioPermissions,
      rules,
      outbox,
      notify: () => edgeNode.notify(),
      offline: (): boolean => edgeNode.stats().linkState !== 'up',
      clock,
      logger,
      observer: { decided: (verdict, seconds) => metrics.scanDecided(verdict, seconds), dropped: (cause) => metrics.scanDropped(cause) },
    });
  } catch (error) {
    await rulesRuntime.close();
    outbox.close();
    ledger.close();
    throw error;
  }
  const configReport = (): ConfigReport => ({
    version: running.version, connectors: connectorSet.configs() as unknown as ConfigReport['connectors'], source: running.source, at: clock.now(),
    ...(scenarioPermissions.current() ? { scenarioPermissions: scenarioPermissions.current()!.hash } : {}),
    rules: rules.report(),
    ...(scanning ? { masterData: scanning.masterData.report() } : {}),
  });
  const applyConnectors = async (version: number, connectors: ConnectorConfig[]) => {
    writePushedConfig(dataDir, { version, connectors, appliedAt: clock.now() });
    const result = await connectorSet.apply(connectors);
    running.version = version;
    running.source = 'pushed';
    edgeNode.setDevices(connectorSet.configs().map(describeDevice));
    commands.announceConfig();
    logger.info({ version, ...result }, 'applied a pushed connector configuration');
    return result;
  };
  const commands: CommandChannel = new CommandChannel({
    group: config.gateway.group,
    edge: config.gateway.edge,
    clock,
    logger: logger.child({ part: 'commands' }),
    configReport,
    link: edgeLink,
    ledger,
    handlers: createCommandHandlers({
      connectors: connectorSet,
      createConnector: buildConnector,
      checkConnectors: (raw) => checkConnectors(config, raw),
      applyConnectors,
      configReport,
      applyRules: async (args) => {
        const outcome = await rules.apply(args, { source: 'pushed', persist: true });
        if (outcome.ok) commands.announceConfig();
        return outcome;
      },
      scenarioPermissions,
      ...(scanning ? {
        masterData: {
          applySync: (args: unknown) => {
            const outcome = scanning.masterData.applySync(args);
            if (outcome.ok) commands.announceConfig(); // the cloud hears the version it now holds
            return outcome;
          },
        },
      } : {}),
      pkiDir,
      clock,
    }),
  });

  const north = config.north;
  const edgeNode: SparkplugEdgeNode = new SparkplugEdgeNode({
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
    protocolVersion: options.mqttProtocolVersion ?? north.protocolVersion,
    primaryHostId: north.primaryHostId,
    replayPointsPerS: north.replay.pointsPerS,
    statusIntervalMs: north.statusIntervalS * 1000,
    devices: running.connectors.map(describeDevice),
    outbox,
    currentValue: (device, tag) => tagCache.get(device, tag),
    logger: logger.child({ part: 'north' }),
    clock,
    sessionHooks: commands,
  });

  const links = (): Record<string, LinkState> => Object.fromEntries(connectorSet.connectors().map((c) => [c.name, c.linkState()]));
  const metrics = new GatewayMetrics({
    outbox: () => outbox.stats(),
    links: () => ({ ...links(), north: edgeNode.stats().linkState }),
    north: () => edgeNode.stats(),
    scheduler: () => scheduler.stats(), // read at scrape time, after the scheduler exists
    rules: () => {
      const figures = rules.health();
      return { ...figures, blocks: figures.blocks.length };
    },
    ...(scanning ? { scanning: () => scanning.stats() } : {}),
  });

  const linkEvents = new ConnectorLinkEvents({ events, logger });
  const queue = (result: ReadResult): void => {
    linkEvents.observe(result.connector, connectorSet.get(result.connector)?.linkState(), result.values);
    metrics.pointsRead.inc({ device: result.connector }, result.values.length);
    for (const v of result.values) if (v.quality !== 'good') metrics.readErrors.inc({ device: result.connector, code: v.error ?? 'UNKNOWN' });
    tagCache.update(result.values);
    rules.onValues(result.values);
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
  // After the read's rows are queued, so a DDEATH follows the bad values that say why. Down takes
  // both the link state and a read that failed: a good read still in flight when the link dropped
  // must not bury the device before the failed read that follows it is queued. 'connecting' is a
  // device not reached yet since start: born (with bad values), not dead.
  const reportLink = (result: ReadResult): void => {
    const state = connectorSet.get(result.connector)?.linkState();
    const readFailed = result.values.length > 0 && result.values.every((v) => v.quality === 'bad');
    edgeNode.setDeviceLink(result.connector, !(state === 'down' && readFailed));
  };
  const scheduler: Scheduler = new Scheduler(connectorSet.connectors(), {
    clock,
    onResult: (result) => {
      queue(result);
      reportLink(result);
    },
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
      rules: rules.health(),
      ...(scanning ? { scanning: scanning.stats() } : {}),
    };
  };
  const app = buildHealthApp({ health, registry: metrics.registry, logger: logger.child({ part: 'http' }) });
  try {
    await app.listen({ host: config.gateway.http.host, port: config.gateway.http.port });
    await scanning?.start();
  } catch (error) {
    await scanning?.close();
    await rulesRuntime.close();
    outbox.close();
    ledger.close();
    await app.close();
    throw error;
  }

  // Devices may be away: connect in the background, reads report 'bad' until the link is up.
  connectorSet.connectAll();
  edgeNode.start();
  scheduler.start();
  logger.info({ group: config.gateway.group, edge: config.gateway.edge, outbox: outboxPath, connectors: running.connectors.length, configVersion: running.version, configSource: running.source }, 'gateway started');

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    // Devices first: no scan is taken that the rules or the outbox could no longer serve.
    await scanning?.close();
    await scheduler.stop();
    // Before the connectors close: a batch in hand may still write a tag, and its events go to the outbox.
    await rulesRuntime.close();
    await connectorSet.close();
    await edgeNode.stop({ drainTimeoutMs: options.closeDrainTimeoutMs ?? 2000 });
    outbox.close();
    ledger.close();
    await app.close();
    logger.info('gateway stopped');
  })());

  return {
    httpPort: (app.server.address() as AddressInfo).port,
    stats: () => ({
      uptimeS: (clock.now() - startedAt) / 1000, links: links(), north: edgeNode.stats(), outbox: outbox.stats(), scheduler: scheduler.stats(),
      commands: commands.stats(), configVersion: running.version, scenarioPermissions: scenarioPermissions.current()?.hash ?? null,
      rules: rules.health(), ...(scanning ? { scanning: scanning.stats() } : {}),
    }),
    rules,
    ...(scanning?.broker() ? { deviceBroker: { port: scanning.broker()!.port, tlsPort: scanning.broker()!.tlsPort } } : {}),
    close,
  };
}


/** The connectors to run: the last pushed list when there is a valid one, else the site file's. */
function pushedConnectorsOrFile(config: SiteConfig, logger: Logger): { version: number; source: 'file' | 'pushed'; connectors: ConnectorConfig[] } {
  const fromFile = { version: 0, source: 'file' as const, connectors: [...config.connectors] };
  let pushed;
  try {
    pushed = readPushedConfig(config.gateway.dataDir);
  } catch (error) {
    logger.error({ err: error, file: pushedConfigPath(config.gateway.dataDir) }, 'the pushed connector list cannot be read; running the site file\'s connectors');
    return fromFile;
  }
  if (!pushed) return fromFile;
  const checked = checkConnectors(config, pushed.connectors);
  if (!checked.ok) {
    logger.error({ problems: checked.problems, file: pushedConfigPath(config.gateway.dataDir) }, 'the pushed connector list is not valid here; running the site file\'s connectors');
    return fromFile;
  }
  logger.warn({ version: pushed.version, file: pushedConfigPath(config.gateway.dataDir) }, 'running the connector list pushed by the cloud, not the site file\'s (delete the file to go back to the site file)');
  return { version: pushed.version, source: 'pushed', connectors: checked.connectors };
}

/** A connector list checked as `config check` checks a site file (schema, then each connector's addresses). */
export function checkConnectors(config: SiteConfig, raw: unknown): { ok: true; connectors: ConnectorConfig[] } | { ok: false; problems: ConfigProblem[] } {
  let candidate: SiteConfig;
  try {
    candidate = parseConfig(siteConfigSchema, { ...config, connectors: raw }, 'pushed connectors');
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: [...error.problems] };
    throw error;
  }
  const problems = validateSiteConfig(candidate);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, connectors: [...candidate.connectors] };
}

function toOutboxInput(v: TagValue) {
  return { kind: 'sample' as const, device: v.device, tag: v.tag, value: v.value, quality: v.quality, ts: v.ts, ...(v.error !== undefined ? { error: v.error } : {}) };
}
