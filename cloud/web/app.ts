/**
 * The cloud's web app: JSON API and admin page over the telemetry store. Builds the Fastify
 * instance and registers one plugin per route; it never listens (server.ts does), so tests
 * drive it with `app.inject()`. Every route declares who may call it (access-control.ts).
 */
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/auth-service.ts';
import type { DeviceRegistry } from '../devices/device-registry.ts';
import type { EdgeEventStore } from '../events/edge-event-store.ts';
import type { EdgeSessionsView } from '../ingest/edge-sessions.ts';
import type { LocationBlocks } from '../inventory/location-blocks.ts';
import type { InventoryApi } from '../inventory/open-inventory.ts';
import type { ToolingApi } from '../tooling/open-tooling.ts';
import type { ForecastingApi } from '../forecasting/open-forecasting.ts';
import type { ReplenishmentApi } from '../forecasting/replenishment.ts';
import type { PurchaseOrdersApi } from '../purchasing/open-purchase-orders.ts';
import type { ProductionSchedule } from '../tooling/production-schedule.ts';
import type { WindowPlanner } from '../tooling/window-planner.ts';
import type { SparePartRequisitions } from '../purchasing/spare-part-requisitions.ts';
import type { RulesApi } from '../rules/rules-api.ts';
import type { GatewayRollout } from '../rollout/gateway-rollout.ts';
import type { TelemetryStore } from '../store/telemetry-store.ts';
import { installAccessControl, sessionCookie } from './access-control.ts';
import { installErrorHandling } from './error-handler.ts';
import type { RouteRecord, RouteSchema } from './openapi.ts';
import { addQueryVocabulary } from './query-fields.ts';
import { bodyStrictValidatorFactory } from './request-validators.ts';
import { adminPageRoute } from './routes/admin-page.ts';
import { auditRoutes } from './routes/audit.ts';
import { connectorSchemaRoute } from './routes/connector-schema.ts';
import { deviceRoutes } from './routes/devices.ts';
import { docsPageRoute } from './routes/docs-page.ts';
import { scanRoutes } from './routes/scans.ts';
import type { ScansApi } from '../scans/open-scans.ts';
import { gatewayCredentialRoutes, type GatewayCredentialAdmin } from './routes/gateway-credentials.ts';
import { gatewayEventRoutes } from './routes/gateway-events.ts';
import { gatewaySessionRoutes } from './routes/gateway-sessions.ts';
import { gatewayRoutes } from './routes/gateways.ts';
import { forecastFactorRoutes, type ForecastFactorRouteOptions } from './routes/forecast-factors.ts';
import { forecastingRoutes } from './routes/forecasting.ts';
import { fusionRoutes } from './routes/fusion.ts';
import { replenishmentRoutes } from './routes/replenishment.ts';
import { purchaseOrderRoutes } from './routes/purchase-orders.ts';
import { healthRoute, type HealthInfo } from './routes/health.ts';
import { inventoryCatalogRoutes } from './routes/inventory-catalog.ts';
import { inventoryMoveRoutes } from './routes/inventory-moves.ts';
import { inventoryStockRoutes } from './routes/inventory-stock.ts';
import { inventoryTraceRoutes } from './routes/inventory-trace.ts';
import { toolingRoutes } from './routes/tooling.ts';
import { toolingScheduleRoutes } from './routes/tooling-schedule.ts';
import { masterDataRoutes, type MasterDataApi } from './routes/master-data.ts';
import { openApiRoute } from './routes/openapi.ts';
import { permissionRoutes } from './routes/permissions.ts';
import { ruleRoutes } from './routes/rules.ts';
import { ruleEffectRoutes } from './routes/rules-effects.ts';
import { sessionRoutes } from './routes/session.ts';
import { telemetryHistoryRoute } from './routes/telemetry-history.ts';
import { telemetryLatestRoute } from './routes/telemetry-latest.ts';
import { tiaImportRoute } from './routes/tia-import.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';

export type { HealthInfo };

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its method, URL, schema and declared permission, as registered. */
    routeTable: readonly RouteRecord[];
  }
}

/** The largest request body accepted; the biggest legitimate one (the permission matrix) is ~2 KiB. */
export const BODY_LIMIT_BYTES = 64 * 1024;

// Same-origin scripts, styles and fetches only: the admin page loads nothing else, device-supplied
// names are written with textContent, and this policy is the second line if one ever is not.
const CONTENT_SECURITY_POLICY = {
  useDefaults: false, // the defaults add upgrade-insecure-requests, which breaks the demo on http://127.0.0.1
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

export interface CloudAppOptions {
  store: TelemetryStore;
  /** Accounts, sessions, tokens, the permission matrix and the audit log. */
  auth: AuthService;
  /** A pino logger (given to Fastify as its loggerInstance). */
  logger: FastifyBaseLogger;
  /** Mark the session cookie Secure (default); only a plain-http demo turns this off. */
  secureCookies?: boolean;
  /** Broker and ingest statistics, merged into GET /api/health. */
  health?: () => HealthInfo;
  /** Monotonic milliseconds for uptime; defaults to performance.now. */
  monotonicMs?: () => number;
  /** Gateways' connector configurations and commands (cloud/rollout). */
  rollout: GatewayRollout;
  /** The broker's gateway credentials, to list and rotate; without, there are none to show. */
  gatewayCredentials?: GatewayCredentialAdmin;
  /** Gateways' Sparkplug sessions (cloud/ingest); without, none are listed and nothing is stale. */
  sessions?: EdgeSessionsView;
  /** Gateways' edge events (cloud/events); without, every gateway has none. */
  events?: EdgeEventStore;
  /** Process rules: glossary, compile, pack versions and their release (cloud/rules); without, the rule routes answer 404. */
  rules?: RulesApi;
  /** Spare-part requisitions raised by rules (cloud/purchasing); without, none. */
  requisitions?: SparePartRequisitions;
  /** Location blocks set by rules (cloud/inventory); without, none. */
  locationBlocks?: LocationBlocks;
  /** Master data and its sync to gateways (cloud/masterdata); without, its routes are not registered. */
  masterData?: MasterDataApi;
  /** The scanner device registry (cloud/devices); without, its routes are not registered. */
  devices?: DeviceRegistry;
  /** Scans, shelves, cold-chain evidence, maintenance tickets (cloud/scans); without, lists are empty. */
  scans?: ScansApi;
  /** The inventory core: catalogue, ledger, reservations, stock states, lot trace, fusion (cloud/inventory); without, its routes are not registered. */
  inventory?: InventoryApi;
  /** Mold tooling and the production schedule (cloud/tooling); without, their routes are not registered. */
  tooling?: { api: ToolingApi; schedule: ProductionSchedule; planner: WindowPlanner | undefined };
  /** Demand forecasting and its factors (cloud/forecasting); without, their routes are not registered. */
  forecasting?: { api: ForecastingApi; factors: ForecastFactorRouteOptions };
  /** Replenishment suggestions (cloud/forecasting/replenishment.ts); without, their routes are not registered. */
  replenishment?: ReplenishmentApi;
  /** Purchase orders opened by accepted suggestions (cloud/purchasing); without, their routes are not registered. */
  purchaseOrders?: PurchaseOrdersApi;
}

export function buildCloudApp({
  store, auth, logger, secureCookies = true, health = () => ({}), monotonicMs = () => performance.now(), gatewayCredentials, rollout, sessions, events,
  rules, requisitions, locationBlocks, masterData, devices, scans, inventory, tooling, forecasting, replenishment, purchaseOrders,
}: CloudAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: {
      // Fastify's default silently drops unknown keys; this API names them in a 400 instead.
      customOptions: { removeAdditional: false },
      onCreate: addQueryVocabulary,
    },
    // Bodies are validated without type coercion, query strings and paths with it.
    schemaController: { compilersFactory: { buildValidator: bodyStrictValidatorFactory() } },
  });
  // Bodies are JSON only: no text/plain means no cross-site HTML form can reach the API at all.
  app.removeContentTypeParser('text/plain');

  const { rejections } = installErrorHandling(app);
  const routes: RouteRecord[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, schema: route.schema as RouteSchema | undefined, permission: route.config?.permission });
    }
  });
  const cookieOptions = sessionCookie(secureCookies);
  installAccessControl(app, { auth, cookie: cookieOptions });

  app.register(cookie);
  app.register(helmet, {
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only where cookies are Secure, i.e. behind TLS; on the http demo it would mean nothing.
    strictTransportSecurity: secureCookies ? { maxAge: 180 * 24 * 3600 } : false,
  });
  app.register(healthRoute, { store, health: () => ({ web: { rejected: rejections() }, ...health() }), monotonicMs });
  app.register(sessionRoutes, { auth, cookie: cookieOptions });
  app.register(tokenRoutes, { auth });
  app.register(userRoutes, { auth });
  app.register(gatewayCredentialRoutes, { credentials: gatewayCredentials, audit: auth.parts.audit });
  app.register(permissionRoutes, { auth, onMatrixChanged: () => rollout.syncPermissionsEverywhere() });
  app.register(auditRoutes, { audit: auth.parts.audit });
  app.register(gatewayRoutes, { rollout, audit: auth.parts.audit });
  app.register(gatewayEventRoutes, { events });
  app.register(ruleRoutes, { rules, audit: auth.parts.audit });
  app.register(ruleEffectRoutes, { requisitions, blocks: locationBlocks });
  if (masterData) app.register(masterDataRoutes, { masterData, audit: auth.parts.audit });
  if (devices) app.register(deviceRoutes, { devices, audit: auth.parts.audit });
  app.register(scanRoutes, { scans });
  if (inventory) {
    app.register(inventoryCatalogRoutes, { ...inventory, audit: auth.parts.audit });
    app.register(inventoryMoveRoutes, { ...inventory, audit: auth.parts.audit });
    app.register(inventoryStockRoutes, inventory);
    app.register(inventoryTraceRoutes, inventory);
    app.register(fusionRoutes, { fusion: inventory.fusion, audit: auth.parts.audit });
  }
  if (tooling) {
    app.register(toolingRoutes, { tooling: tooling.api });
    app.register(toolingScheduleRoutes, { schedule: tooling.schedule, planner: tooling.planner });
  }
  if (forecasting) {
    app.register(forecastingRoutes, { forecasting: forecasting.api });
    app.register(forecastFactorRoutes, forecasting.factors);
  }
  if (replenishment) app.register(replenishmentRoutes, { replenishment });
  if (purchaseOrders) app.register(purchaseOrderRoutes, { purchaseOrders });
  app.register(gatewaySessionRoutes, { store, sessions });
  app.register(telemetryLatestRoute, { store, sessions });
  app.register(telemetryHistoryRoute, { store });
  app.register(connectorSchemaRoute);
  app.register(tiaImportRoute);
  app.register(adminPageRoute);
  app.register(docsPageRoute);
  app.register(openApiRoute, { routes });
  return app;
}
