// How the forecasting screen writes its numbers and days: forecasts are UTC days (YYYY-MM-DD,
// forecasting-types.ts), so charts place them at UTC midnight and print them back in UTC; shares
// (MAPE, WAPE) as percentages, since that is how planners quote a 15% threshold.

const quantity = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const factor = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const ratio = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** 'YYYY-MM-DD' -> ms at UTC midnight. */
export const dayMs = (day) => Date.parse(`${day}T00:00:00Z`);

/** ms -> 'YYYY-MM-DD' (UTC). */
export const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);

/** `12.4`, or '—' when there is no number. */
export const formatQty = (value) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : quantity.format(value));

/** A factor's multiplier: `x0.85`. */
export const formatFactor = (value) => `x${factor.format(value)}`;

/** MASE and similar ratios: `0.84`. */
export const formatRatio = (value) => (value === null || value === undefined ? '—' : ratio.format(value));

/** A share as a percentage with one decimal: 0.1234 -> `12.3%`; null -> '—'. */
export const formatPct = (share) => (share === null || share === undefined || !Number.isFinite(share) ? '—' : `${(share * 100).toFixed(1)}%`);

/** A change in percent points already in percent (vsSeasonalNaive): 23.4 -> `23.4% better`, -5 -> `5.0% worse`. */
export function formatImprovement(pct) {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return '—';
  if (Math.abs(pct) < 0.05) return 'same';
  return pct > 0 ? `${pct.toFixed(1)}% better` : `${(-pct).toFixed(1)}% worse`;
}

/** A job's time: `2026-11-25 02:31:07 UTC`. */
export const formatInstant = (ms) => (ms === null || ms === undefined ? '—' : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`);

/** uPlot's dates in UTC, so a forecast day sits under its own label whatever the browser's zone. */
export const utcDate = (ts) => globalThis.uPlot.tzDate(new Date(ts), 'Etc/UTC');

/** uPlot's day axis: day and month, the year under the first tick of a year. */
export const DAY_AXIS_VALUES = [
  [86_400_000 * 28, '{MMM}', '\n{YYYY}', null, null, null, null, null, 1],
  [86_400_000, '{D} {MMM}', '\n{YYYY}', null, null, null, null, null, 1],
];

export const AXIS_STYLE = { stroke: '#475569', grid: { stroke: '#e8edf3', width: 1 }, ticks: { stroke: '#cbd5e1', width: 1 } };
