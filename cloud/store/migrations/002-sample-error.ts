/**
 * Why a sample is not good: the stable error code its gateway sent in the Sparkplug 'errorCode'
 * metric property (LINK_DOWN, TIMEOUT, DEVICE_EXCEPTION, ... from connectors/errors.ts). NULL for
 * good samples, for senders that give no reason, and for every sample stored before this column:
 * ADD COLUMN rewrites nothing, so it is instant on a large history.
 */
import type { Migration } from '../migrations.ts';

export const sampleError002: Migration = {
  version: 2,
  name: 'sample-error',
  up: `
    ALTER TABLE sample ADD COLUMN error TEXT;
  `,
};
