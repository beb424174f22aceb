/**
 * The forecasting service (cloud/forecasting/, issue 8): models, jobs with progress, forecast
 * runs and their values, backtest results, the weekly MAPE monitor and review tasks.
 * (Tables filled in by the forecasting service work; the permission is fixed here.)
 */
import type { Migration } from '../migrations.ts';

const grants: Record<string, string[]> = {
  'forecasting.manage': ['admin', 'purchasing'],
};

export const forecasting017: Migration = {
  version: 17,
  name: 'forecasting',
  up: `
    INSERT OR IGNORE INTO permission (id) VALUES ${Object.keys(grants).map((id) => `('${id}')`).join(', ')};
    INSERT OR IGNORE INTO role_permission (role, permission)
      SELECT role.id, grant_row.permission FROM role JOIN (
        ${Object.entries(grants).flatMap(([permission, roles]) => roles.map((role) => `SELECT '${role}' AS role, '${permission}' AS permission`)).join('\n        UNION ALL ')}
      ) AS grant_row ON grant_row.role = role.id;
  `,
};
