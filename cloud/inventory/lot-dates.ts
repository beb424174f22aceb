/**
 * A lot's standing on a given day: days left to its expiry (whole UTC days), the derived
 * `expired` status, and the drug-GSP lock (fewer days left than its category's lockDays). The
 * catalogue, the ledger's shipping check and the stock states all judge lots by these.
 */
import { DAY_MS, dayOf, dayStart } from '../scans/utc-days.ts';
import type { LotStatus, StoredLotStatus } from './inventory-types.ts';

/** YYYY-MM-DD that is a real calendar day. */
export const isDay = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && Number.isFinite(dayStart(value)) && dayOf(dayStart(value)) === value;

/** Whole UTC days from the day of `now` to `expiry` (0 on its last day, negative once past); null without expiry. */
export const daysLeftOf = (expiry: string | null, now: number): number | null =>
  expiry === null ? null : Math.round((dayStart(expiry) - dayStart(dayOf(now))) / DAY_MS);

/** The stored status, or 'expired' for a released lot whose last day has passed. */
export const lotStatusOf = (stored: StoredLotStatus, expiry: string | null, now: number): LotStatus => {
  const daysLeft = daysLeftOf(expiry, now);
  return stored === 'released' && daysLeft !== null && daysLeft < 0 ? 'expired' : stored;
};

/** Locked for its near expiry: the category sets lockDays and fewer days are left. */
export const isLotLocked = (expiry: string | null, lockDays: number | null, now: number): boolean => {
  const daysLeft = daysLeftOf(expiry, now);
  return lockDays !== null && daysLeft !== null && daysLeft < lockDays;
};
