/**
 * The cloud core's composition root: store, broker, Sparkplug ingest, rollout, rules, master data
 * and the admin web app.
 * It composes; each part owns its own behaviour.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CloudConfig } from '../config/cloud-schema.ts';
import type { LotRecord } from '../config/master-data-schema.ts';
import { systemClock } from '../connectors/clock.ts';
import { masterRecordsOf, readMasterDataFile } from '../config/master-data-file.ts';
import { readServerTlsFiles } from '../config/read-tls-files.ts';
import { readGlossaryFile, readRulePackFile } from '../config/rule-pack-file.ts';
import { bootstrapAccounts } from './auth/bootstrap-accounts.ts';
import { openAuth } from './auth/open-auth.ts';
import { startCloudBroker } from './broker/cloud-broker.ts';
import { openEdgeEventStore } from './events/sqlite-edge-event-store.ts';
import type { CredentialRotatedEvent } from './broker/gateway-credentials.ts';
import { hashDevicePassword } from '../devices/device-credentials.ts';
import { startSparkplugIngest } from './ingest/sparkplug-ingest.ts';
import { openEdgeSessions } from './ingest/sqlite-edge-sessions.ts';
import { openMasterData } from './masterdata/open-master-data.ts';
import { openScans } from './scans/open-scans.ts';
import { openInventory } from './inventory/open-inventory.ts';
import { applyInventorySeed } from './inventory/inventory-seed.ts';
import { MasterDataBridge } from './inventory/master-data-bridge.ts';
import { MasterDataFollower } from './inventory/master-data-follower.ts';
import { readInventorySeedFile } from '../config/inventory-seed-file.ts';
import { temperatureEvidence } from './inventory/trace-evidence.ts';
import { openTooling } from './tooling/open-tooling.ts';
import { generateDemoSalesHistory } from './forecasting/demo-sales-history.ts';
import { FactorVersions } from './forecasting/factor-versions.ts';
import { openForecasting } from './forecasting/open-forecasting.ts';
import { ReplenishAfterForecast } from './forecasting/replenish-after-forecast.ts';
import { openReplenishment } from './forecasting/replenishment.ts';
import { openPurchaseOrders } from './purchasing/open-purchase-orders.ts';
import { DEFAULT_KEEP_RUNS_DAYS } from './forecasting/forecast-run-retention.ts';
import { LedgerSalesHistory } from './forecasting/sales-history.ts';
import { openProductionSchedule, type OpenProductionSchedule } from './tooling/open-production-schedule.ts';
import { startEdgeLinkClient, type EdgeLinkClient } from './rollout/edge-link-client.ts';
import { scenarioPermissionsOf } from './rollout/gateway-rollout.ts';
import { openRollout } from './rollout/open-rollout.ts';
import { openRules } from './rules/open-rules.ts';
import { openTelemetryStore } from './store/telemetry-store.ts';
import { buildCloudApp } from './web/app.ts';
import { startCloudHttp } from './web/server.ts';

export interface CloudService {
  httpUrl: string;
  mqttUrl: string;
  /** The embedded broker's MQTTS URL, when broker.tls is set. */
  mqttsUrl: string | undefined;
  /** See CloudBroker.rotateGatewayCredential: the new password, shown once; old sessions dropped. */
  rotateGatewayCredential(username: string): Promise<string>;
  close(): Promise<void>;
}

export interface CloudOptions {
  config: CloudConfig;
  logger: Logger;
  /** Told after each gateway credential rotation (for the audit log); never given the password. */
  onCredentialRotated?: (event: CredentialRotatedEvent) => void;
}

export async function startCloud({ config, logger, onCredentialRotated }: CloudOptions): Promise<CloudService> {
  mkdirSync(config.dataDir, { recursive: true });
  const storeFile = config.store.path ?? join(config.dataDir, 'cloud.sqlite');
  const store = openTelemetryStore(storeFile);
  const closers: Array<() => Promise<void> | void> = [() => store.close()];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (err) {
        logger.warn({ err }, 'error while stopping the cloud');
      }
    }
  };
  try {
    const auth = openAuth(storeFile, { sessionIdleMinutes: config.auth.sessionTtlMinutes });
    closers.push(() => auth.close());
    // A first start's one-time admin password goes to the console (stderr), never into the JSON log.
    await bootstrapAccounts(auth.service, { demoUsers: config.auth.demoUsers, announce: (text) => process.stderr.write(`${text}\n`) });
    const broker = await startCloudBroker({ config: config.broker, storeFile, logger: logger.child({ part: 'broker' }), onCredentialRotated });
    closers.push(() => broker.close());
    if (config.broker.mode === 'embedded') logger.info({ mqttUrl: broker.mqttUrl, mqttsUrl: broker.mqttsUrl }, 'embedded MQTT broker listening');
    const edgeSessions = openEdgeSessions(storeFile);
    closers.push(() => edgeSessions.close());
    const ingest = await startSparkplugIngest({
      ...broker.ingest,
      store,
      sessions: edgeSessions.sessions,
      hostId: config.ingest.hostId,
      protocolVersion: config.ingest.protocolVersion,
      logger: logger.child({ part: 'ingest' }),
    });
    closers.push(() => ingest.close());
    let edgeLink: EdgeLinkClient | undefined;
    const rollout = openRollout(storeFile, {
      link: () => edgeLink,
      logger: logger.child({ part: 'rollout' }),
      scenarioPermissions: () => scenarioPermissionsOf(auth.service.parts.matrix.get()),
    });
    closers.push(() => rollout.close());
    // Rule packs, their release to gateways, and what rule actions become here (docs/rule-release.md).
    const rules = openRules(storeFile, {
      glossary: config.rules ? { source: config.rules.glossary, raw: readGlossaryFile(config.rules.glossary) } : undefined,
      seedPack: config.rules?.seedPack ? { source: config.rules.seedPack, raw: readRulePackFile(config.rules.seedPack, config.rules.glossary).pack } : undefined,
      link: () => edgeLink,
      gateways: () => rollout.configs.gateways(),
      logger: logger.child({ part: 'rules' }),
      audit: auth.service.parts.audit,
    });
    closers.push(() => rules.close());
    // Master data and the scanner device registry (cloud/masterdata, cloud/devices), kept on every
    // gateway with scanning by masterdata.sync; seeded from masterData.seed on a first start.
    const masterData = openMasterData(storeFile, {
      link: () => edgeLink,
      gateways: () => rollout.configs.gateways(),
      logger: logger.child({ part: 'master-data' }),
      audit: auth.service.parts.audit,
    });
    closers.push(() => masterData.close());
    const masterDataSeed = config.masterData?.seed;
    if (masterDataSeed) await masterData.seed(masterDataSeed, () => masterRecordsOf(readMasterDataFile(masterDataSeed), hashDevicePassword));
    // Scan records (the 4D record of every scan.decision event), quarantine reconciliation, shelves'
    // environment, lots' cold-chain evidence and maintenance tickets (cloud/scans).
    const scans = openScans(storeFile, {
      lotOf: (gtin, batch) => masterData.store.get('lot', `${gtin}/${batch}`)?.value,
      locations: () => masterData.store.list('location').map((r) => r.value),
      stockAt: (location) => masterData.store.list('stock').filter((r) => r.value.location === location).map((r) => ({ ...r.value, since: r.createdAt })),
      telemetry: store,
      activeBlocks: () => rules.blocks.list({ activeOnly: true }),
      clock: systemClock,
      logger: logger.child({ part: 'scans' }),
    });
    closers.push(() => scans.close());
    masterData.store.onChange((changes) => {
      for (const change of changes) if (change.kind === 'lot' && change.value) scans.onLotChanged(change.value as LotRecord);
    });
    masterData.setLastSeen((id) => scans.lastSeenOf(id));
    // The inventory core (cloud/inventory): catalogue, immutable move ledger, reservations, stock
    // states, lot trace with the shelves' temperature record, and multi-source fusion.
    const inventory = openInventory(storeFile, {
      clock: systemClock,
      temperatureOf: temperatureEvidence({ locations: masterData.store, telemetry: store }),
      fusionFromLedger: config.inventory?.fusionFromLedger ?? true,
    });
    closers.push(() => inventory.close());
    // Master data (what gateways decide scans with) and the inventory core agree: the catalogue is
    // imported from it, its seed stock becomes the ledger's opening balances on an empty ledger
    // only (afterwards master stock rows are the ledger's projection, not new stock), and from then
    // on the ledger's stock is projected back to it (cloud/inventory/master-data-follower.ts).
    const bridge = new MasterDataBridge({ masterData: masterData.store, catalog: inventory.api.catalog, ledger: inventory.api.ledger, db: inventory.db });
    bridge.importCatalog();
    if (inventory.api.ledger.counts().moves === 0) logger.info({ opening: bridge.openingBalances() }, 'opening balances posted from master-data stock');
    const follower = new MasterDataFollower({
      bridge, masterData: masterData.store, catalog: inventory.api.catalog, ledger: inventory.api.ledger,
      clock: systemClock, logger: logger.child({ part: 'inventory' }),
    });
    follower.start();
    closers.push(() => follower.stop());
    // Mold tooling counted from the machines' shot counters in telemetry, and the production
    // schedule its maintenance windows avoid (cloud/tooling).
    let schedule: OpenProductionSchedule | undefined;
    const tooling = openTooling(storeFile, {
      telemetry: store, clock: systemClock, logger: logger.child({ part: 'tooling' }),
      planWindow: (asset) => schedule?.planWindow(asset) ?? null,
    });
    closers.push(() => tooling.close());
    schedule = openProductionSchedule(storeFile, {
      clock: systemClock, telemetry: store,
      tooling: { assetOf: (id) => tooling.api.asset(id), machineOf: (id) => tooling.api.machine(id) },
    });
    closers.push(() => schedule!.close());
    // Demand forecasting from the ledger's sales, its planner factors, and replenishment suggestions
    // recomputed after every forecast run (cloud/forecasting). A demo ledger gets back-dated history.
    const forecastingConfig = config.forecasting;
    if (forecastingConfig && forecastingConfig.demoHistoryDays > 0) {
      const history = generateDemoSalesHistory({ db: inventory.db, catalog: inventory.api.catalog, clock: systemClock }, { days: forecastingConfig.demoHistoryDays, seed: forecastingConfig.demoHistorySeed });
      logger.info({ posted: history.posted, alreadyPresent: history.alreadyPresent, from: history.from, until: history.until }, 'demo sales history');
    }
    const salesHistory = new LedgerSalesHistory(inventory.db, systemClock);
    const factors = new FactorVersions(inventory.db, () => systemClock.now());
    const forecasting = openForecasting(storeFile, {
      salesHistory, clock: systemClock, logger: logger.child({ part: 'forecasting' }), factors,
      factorScope: forecastingConfig?.factorScope ?? 'default', dailyRunMinute: forecastingConfig?.dailyRunMinute ?? 60,
      keepRunsDays: forecastingConfig?.keepRunsDays ?? DEFAULT_KEEP_RUNS_DAYS,
      lstmHolidays: forecastingConfig ? forecastingConfig.lstmHolidays : 'china',
    });
    closers.push(() => forecasting.close());
    // Accepted suggestions are open purchase orders; what is still to come counts as on order (cloud/purchasing).
    const purchaseOrders = openPurchaseOrders(storeFile, { clock: systemClock });
    closers.push(() => purchaseOrders.close());
    const replenishment = openReplenishment(storeFile, { clock: systemClock, forecasts: forecasting.forecasts, onOrder: purchaseOrders.onOrder });
    closers.push(() => replenishment.close());
    const inventorySeed = config.inventory?.seed;
    if (inventorySeed) {
      const applied = applyInventorySeed(readInventorySeedFile(inventorySeed), {
        inventory: inventory.api, tooling: tooling.api, schedule: schedule.schedule, replenishment: replenishment.api, now: Date.now(),
      });
      logger.info({ seed: inventorySeed, applied }, 'inventory seed checked');
    }
    const replenisher = new ReplenishAfterForecast({ forecasting: forecasting.api, replenishment: replenishment.api, clock: systemClock, logger: logger.child({ part: 'replenishment' }) });
    replenisher.start();
    closers.push(() => replenisher.stop());
    // A first start with sales to forecast: forecast and backtest at once rather than at the next daily run.
    if (forecasting.api.status().lastRun === null && salesHistory.keys().length > 0) {
      for (const kind of ['forecast', 'backtest'] as const) forecasting.api.startJob(kind, 'system');
    }
    tooling.feed.start();
    const edgeEvents = openEdgeEventStore(storeFile);
    closers.push(() => edgeEvents.close());
    edgeLink = await startEdgeLinkClient({
      ...broker.ingest,
      protocolVersion: config.ingest.protocolVersion,
      logger: logger.child({ part: 'edge-link' }),
      onConfigReport: (group, edge, report) => {
        rollout.rollout.onReport(group, edge, report);
        rules.onReport(group, edge, report);
        masterData.sync.onReport(group, edge, report);
      },
      onEvent: (group, edge, event) => {
        const added = edgeEvents.events.add(group, edge, event, Date.now());
        // Every copy, not only the first: the consumers are idempotent, and a crash between
        // storing and consuming is made good by the gateway's replay.
        rules.onEvent(group, edge, event);
        scans.onEvent(group, edge, event);
        return added;
      },
    });
    closers.push(() => edgeLink!.close());
    const app = buildCloudApp({
      store,
      auth: auth.service,
      secureCookies: config.auth.secureCookies,
      logger: logger.child({ part: 'web' }),
      health: () => ({ broker: broker.stats(), ingest: ingest.stats(), edgeLink: edgeLink!.stats() }),
      sessions: edgeSessions.sessions,
      events: edgeEvents.events,
      rollout: rollout.rollout,
      rules: rules.routes,
      requisitions: rules.requisitions,
      locationBlocks: rules.blocks,
      masterData: { store: masterData.store, gateways: () => masterData.sync.overview() },
      devices: masterData.devices,
      scans: scans.api,
      inventory: inventory.api,
      tooling: { api: tooling.api, schedule: schedule.schedule, planner: schedule.planner },
      forecasting: { api: forecasting.api, factors: { factors, salesHistory, clock: systemClock } },
      replenishment: replenishment.api,
      purchaseOrders: purchaseOrders.api,
      gatewayCredentials: { list: () => broker.listGateways(), rotate: (username) => broker.rotateGatewayCredential(username) },
    });
    const http = await startCloudHttp({
      app, host: config.http.host, port: config.http.port,
      tls: config.http.tls ? readServerTlsFiles(config.http.tls, 'http.tls') : undefined,
    });
    closers.push(() => http.close());
    logger.info({ url: http.url }, 'admin UI listening');
    return {
      httpUrl: http.url, mqttUrl: broker.mqttUrl, mqttsUrl: broker.mqttsUrl,
      rotateGatewayCredential: (username) => broker.rotateGatewayCredential(username),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
