export { WarehouseStock } from './warehouse-stock.ts';
export { startScannerFleet, parseDeviceList, type ScannerFleet, type ScannerFleetOptions } from './scanner-fleet.ts';
export { ScannerDevice, parseDecision, toWireScan, type DecisionEvent, type DeviceLogin, type FleetLogger, type WireDecision, type WireScan } from './scanner-device.ts';
export { formatFleetStats, type FleetStatsSnapshot } from './fleet-stats.ts';
export { loadCatalog, parseCatalog, mayOverride, shelvesFor, receivingLocation, type Catalog } from './catalog.ts';
export { ScanPlanner, codeOf, type ScanTask, type Load } from './scan-planner.ts';
export { encodeElementString, gs1CheckDigit, gtin14WithCheckDigit, hasValidCheckDigit, gs1Date, GROUP_SEPARATOR, type LabelContent, type CodeForm } from './gs1-encoder.ts';
export { seededRandom, type Random } from './seeded-random.ts';
