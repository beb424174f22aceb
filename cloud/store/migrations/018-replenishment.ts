/**
 * Replenishment (cloud/forecasting/replenishment*, issue 8 item 8): suppliers with lead time and
 * its variability, which supplier delivers which SKU, and the suggestions purchasing turns into
 * purchase orders. (Filled in by the replenishment work; kept empty so the numbers are fixed.)
 */
import type { Migration } from '../migrations.ts';

export const replenishment018: Migration = {
  version: 18,
  name: 'replenishment',
  up: `SELECT 1;`,
};
