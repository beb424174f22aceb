/** UTC calendar days as `YYYY-MM-DD`: alarm days and ticket streaks are counted in these. */

export const DAY_MS = 86_400_000;

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Midnight UTC starting `day`, ms since the epoch. */
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The day `n` days after `day` (before it for a negative n). */
export const addDays = (day: string, n: number): string => dayOf(dayStart(day) + n * DAY_MS);

/** `count` days ending with the day of `now`, oldest first. */
export function lastDays(now: number, count: number): string[] {
  const today = dayOf(now);
  return Array.from({ length: count }, (_, i) => addDays(today, i - count + 1));
}

/** `2026-03-01 10:05 UTC`: how alert and ticket messages name a time. */
export const utcMinute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
