/**
 * The permission catalogue and the roles, as data. A route names the one permission it needs
 * (cloud/web/access-control.ts); which role holds which permission is a matrix stored in SQLite,
 * seeded from `defaultMatrix` by migration 003 (010 adds inventory.read and masterdata.manage, 012 inventory.manage and tooling.manage, 017 forecasting.manage) and
 * edited by an admin through PUT /api/permissions.
 */

/** Every permission id with what it allows; the UI shows these descriptions. */
export const permissionCatalogue = {
  'telemetry.read': 'See live tag values, their history and link health.',
  'connectors.manage': 'Add, change and remove connectors (S7, OPC UA, Modbus, scanners) and roll them out to gateways.',
  'devices.manage': 'Add, change and remove devices and their credentials; rotate gateways\' broker passwords.',
  'tags.write': 'Write a value to a PLC tag from the cloud.',
  'rules.edit': 'Write and change process rules.',
  'rules.test': 'Run rules in the sandbox.',
  'rules.release.sandbox': 'Release a rule pack to the sandbox.',
  'rules.release.grey': 'Release a rule pack to grey (a subset of gateways).',
  'rules.release.production.approve': 'Approve a rule pack for production on every gateway.',
  'scans.perform': 'Book scans: put-away, picking, counting.',
  'override.force_ship_near_expiry': 'Ship a lot that is inside its near-expiry window.',
  'override.putaway_on_alarm_shelf': 'Put stock away on a shelf whose environment is in alarm.',
  'inventory.read': 'See stock, lots, shelves and their environment, master data and scans.',
  'inventory.manage': 'Post stock moves (receipts, transfers, adjustments, shipments), change the inventory catalogue, report source figures and run the drift check.',
  'tooling.manage': 'Register molds and inserts, mount them, record inspections and plan maintenance windows.',
  'masterdata.manage': 'Change master data (categories, items, lots, locations, operators, stock) and quarantine or release lots.',
  'purchasing.manage': 'Create and approve purchase requisitions and orders.',
  'forecasting.manage': 'Train and backtest forecast models, and edit and publish forecast factors.',
  'sales.manage': 'Create and change sales orders and reservations.',
  'finance.manage': 'Post and approve financial documents.',
  'audit.read': 'Read and export the audit log.',
  'users.read': 'See accounts and their roles (never their passwords).',
  'users.manage': 'Create accounts, set their roles, lock and unlock them and reset their passwords.',
  'permissions.manage': 'Change which role holds which permission.',
} as const;

export type PermissionId = keyof typeof permissionCatalogue;
export const permissionIds = Object.keys(permissionCatalogue) as PermissionId[];

export const roleCatalogue = {
  admin: 'Runs the installation: accounts, roles and permissions; holds every permission.',
  plant_engineer: 'Configures connectors and devices, watches live tags, approves production rule releases.',
  process_expert: 'Writes and tests process rules and releases them to sandbox and grey.',
  warehouse_operator: 'Scans at the shelves: put-away, picking, counting.',
  purchasing: 'Buys: requisitions and purchase orders.',
  sales: 'Sells: orders, reservations, and shipping near-expiry lots with consent.',
  finance: 'Books and approves financial documents.',
  auditor: 'Reads everything readable and the audit log; changes nothing.',
} as const;

export type RoleId = keyof typeof roleCatalogue;
export const roleIds = Object.keys(roleCatalogue) as RoleId[];

/** What a route may declare instead of a permission. */
export type RouteAccess = PermissionId | 'public' | 'authenticated';

/** A permission only reads (the auditor holds every one of these). */
export const isReadPermission = (id: PermissionId): boolean => id.endsWith('.read');

/**
 * The shipped matrix. Separation of duties: process experts release to sandbox and grey, plant
 * engineers approve production; operators scan but do not override (a supervisor role holds the
 * overrides: plant engineers the alarm-shelf put-away, sales the near-expiry shipment); the
 * auditor reads and changes nothing.
 */
export const defaultMatrix: Readonly<Record<RoleId, readonly PermissionId[]>> = inCatalogueOrder({
  admin: permissionIds,
  plant_engineer: [
    'telemetry.read', 'connectors.manage', 'devices.manage', 'tags.write', 'rules.test',
    'rules.release.production.approve', 'override.putaway_on_alarm_shelf', 'inventory.read', 'inventory.manage', 'masterdata.manage',
    'tooling.manage',
  ],
  process_expert: ['telemetry.read', 'rules.edit', 'rules.test', 'rules.release.sandbox', 'rules.release.grey'],
  warehouse_operator: ['scans.perform', 'inventory.read', 'inventory.manage'],
  purchasing: ['purchasing.manage', 'forecasting.manage', 'inventory.read'],
  sales: ['sales.manage', 'override.force_ship_near_expiry', 'inventory.read'],
  finance: ['finance.manage'],
  auditor: permissionIds.filter(isReadPermission),
});

/** Each role's list in catalogue order, as the store returns it. */
function inCatalogueOrder(matrix: Record<RoleId, readonly PermissionId[]>): Record<RoleId, readonly PermissionId[]> {
  const entries = Object.entries(matrix).map(([role, ids]) => [role, permissionIds.filter((id) => ids.includes(id))]);
  return Object.fromEntries(entries) as unknown as Record<RoleId, readonly PermissionId[]>;
}

/** Permissions the admin role must keep, so nobody can lock every admin out of the matrix. */
export const adminFloor: readonly PermissionId[] = ['users.manage', 'permissions.manage'];

export const isPermissionId = (text: string): text is PermissionId => Object.hasOwn(permissionCatalogue, text);
export const isRoleId = (text: string): text is RoleId => Object.hasOwn(roleCatalogue, text);
