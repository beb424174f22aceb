/**
 * Serialized mold tooling (cloud/tooling/, issue 7): assets in a multi-level BOM, certificates,
 * shot counters fed by the edge, inspections, machines and the production schedule.
 * (Filled in by the tooling work; kept empty so the migration numbers are fixed.)
 */
import type { Migration } from '../migrations.ts';

export const tooling014: Migration = {
  version: 14,
  name: 'tooling',
  up: `SELECT 1;`,
};
