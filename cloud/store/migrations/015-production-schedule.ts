/**
 * The production schedule (cloud/tooling/, issue 7): production orders per machine and mold, which
 * tooling maintenance windows must avoid.
 * (Filled in by the tooling planning work; kept empty so the migration numbers are fixed.)
 */
import type { Migration } from '../migrations.ts';

export const productionSchedule015: Migration = {
  version: 15,
  name: 'production-schedule',
  up: `SELECT 1;`,
};
