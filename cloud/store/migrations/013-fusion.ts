/**
 * Multi-source fusion (cloud/inventory/fusion/, issue 7): sources with their trust, the semantic
 * dictionary's versions, raw reports, derived figures and their lineage.
 * (Filled in by the fusion work; kept empty so the migration numbers are fixed.)
 */
import type { Migration } from '../migrations.ts';

export const fusion013: Migration = {
  version: 13,
  name: 'fusion',
  up: `SELECT 1;`,
};
