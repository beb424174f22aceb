// How values, qualities, ages and times read on the page.

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

/** Quality as text plus a symbol, so it never depends on colour alone. */
export const QUALITY_LABELS = {
  good: { symbol: '✓', text: 'good' },
  uncertain: { symbol: '?', text: 'uncertain' },
  bad: { symbol: '✕', text: 'bad' },
};

/**
 * A reading as a plant engineer reads it: on/off for booleans, and for a bad reading its error
 * code (LINK_DOWN, TIMEOUT, ... from the API's `error`) when it has one: the value of a bad
 * reading is not to be trusted.
 * @param {number | boolean | string | null} value
 * @param {'good' | 'uncertain' | 'bad'} quality
 * @param {string | null} [error]
 */
export function formatValue(value, quality, error) {
  if (quality === 'bad') return error ? `— (bad: ${error})` : '— (bad)';
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return numberFormat.format(value);
  return String(value);
}

/** "now", "3 s ago", "5 min ago", "2 h ago", "4 d ago". */
export function formatAge(ageMs) {
  if (ageMs < 1000) return 'now';
  const seconds = Math.floor(ageMs / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

/** Local wall-clock time; the date too when it is not today. */
export function formatTime(ts, nowMs = Date.now()) {
  const sameDay = new Date(ts).toDateString() === new Date(nowMs).toDateString();
  return (sameDay ? timeFormat : dateTimeFormat).format(ts);
}
