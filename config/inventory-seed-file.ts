/**
 * Reads an inventory seed file (`*.inventory.yaml`): YAML -> environment references ->
 * inventorySeedFileSchema -> cross-references -> a frozen file, or a ConfigError with every
 * problem at its path (`tooling.assets[3].parent`).
 */
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { inventorySeedFileSchema, type InventorySeedFile } from './inventory-seed-schema.ts';
import { deepFreeze, loadConfigFile, type Env } from './load-config.ts';

export type { InventorySeedFile } from './inventory-seed-schema.ts';

export function readInventorySeedFile(path: string, env: Env = process.env): InventorySeedFile {
  const file = loadConfigFile(inventorySeedFileSchema, path, env);
  const problems = crossCheck(file);
  if (problems.length > 0) throw new ConfigError(path, problems);
  return deepFreeze(file);
}

/** References one record's schema cannot see: parents listed before children, machines and molds of orders. */
function crossCheck(file: InventorySeedFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const assets = new Map<string, string>();
  file.tooling.assets.forEach((asset, i) => {
    if (assets.has(asset.id)) problems.push({ path: `tooling.assets[${i}].id`, message: `asset "${asset.id}" is listed twice` });
    if (asset.parent && !assets.has(asset.parent)) problems.push({ path: `tooling.assets[${i}].parent`, message: `no asset "${asset.parent}" listed before it; list parents before their children` });
    assets.set(asset.id, asset.kind);
  });
  const machines = new Set(file.tooling.machines.map((m) => m.id));
  file.tooling.productionOrders.forEach((order, i) => {
    if (!machines.has(order.machine)) problems.push({ path: `tooling.productionOrders[${i}].machine`, message: `no machine "${order.machine}" in tooling.machines` });
    if (order.mold && assets.get(order.mold) !== 'mold') problems.push({ path: `tooling.productionOrders[${i}].mold`, message: `no mold "${order.mold}" in tooling.assets` });
  });
  const suppliers = new Set(file.replenishment.suppliers.map((s) => s.id));
  file.replenishment.sourcing.forEach((row, i) => {
    if (!suppliers.has(row.supplier)) problems.push({ path: `replenishment.sourcing[${i}].supplier`, message: `no supplier "${row.supplier}" in replenishment.suppliers` });
  });
  const sources = new Set(file.fusion.sources.map((s) => s.id));
  file.fusion.reports.forEach((report, i) => {
    if (!sources.has(report.source)) problems.push({ path: `fusion.reports[${i}].source`, message: `no source "${report.source}" in fusion.sources` });
  });
  if (file.fusion.reports.length > 0 && !file.fusion.dictionary) problems.push({ path: 'fusion.dictionary', message: 'reports need a dictionary: give fusion.dictionary' });
  return problems;
}
