// How the scanning screens (scans, shelves, lots, devices) word verdicts, days left, ranges and
// lots. A verdict is told by symbol and word as well as colour, as qualities are (format.js).
import { api } from './api.js';
import { el } from './dom.js';
import { formatValue } from './format.js';

export const VERDICT_LABELS = {
  allow: { symbol: '✓', text: 'allow' },
  warn: { symbol: '!', text: 'warn' },
  block: { symbol: '✕', text: 'block' },
};

/** The verdict as a coloured badge: allow green, warn amber, block red. */
export function verdictBadge(verdict) {
  const label = VERDICT_LABELS[verdict] ?? { symbol: '?', text: String(verdict) };
  return el('span', { class: `verdict verdict-${verdict}`, text: `${label.symbol} ${label.text}` });
}

const DAY_MS = 86_400_000;

/** Whole days from today (UTC, as the gateway counts them) to `expiry` (YYYY-MM-DD); negative once expired. */
export function daysLeft(expiry, nowMs) {
  return Math.round(Date.parse(`${expiry}T00:00:00Z`) / DAY_MS) - Math.floor(nowMs / DAY_MS);
}

export function formatDaysLeft(days) {
  if (days < 0) return `expired ${-days} d ago`;
  if (days === 0) return 'expires today';
  return `${days} d left`;
}

/** The last `count` UTC days as YYYY-MM-DD, oldest first (the shelves' alarm-day markers). */
export function lastDays(count, nowMs) {
  const today = Math.floor(nowMs / DAY_MS);
  return Array.from({ length: count }, (_, i) => new Date((today - count + 1 + i) * DAY_MS).toISOString().slice(0, 10));
}

/** "2 – 8 °C", or "no range set". */
export function formatRange(range, unit) {
  return range ? `${formatValue(range.min, 'good')} – ${formatValue(range.max, 'good')} ${unit}` : 'no range set';
}

// A shelf's climate reads to a tenth: a sensor's third decimal is noise.
const readingFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A reading with its unit: "4.2 °C", "—" without one, "— (bad)" for a bad one. */
export function formatReading(reading) {
  if (!reading) return '—';
  return reading.quality === 'bad' ? formatValue(reading.value, 'bad') : `${readingFormat.format(reading.value)} ${reading.unit}`;
}

/** Whether a reading lies outside `range` (a bad reading or no range: not known to be). */
export function outOfRange(reading, range) {
  return Boolean(reading && range && reading.quality !== 'bad' && (reading.value < range.min || reading.value > range.max));
}

/** The API path of a lot: /api/lots/<gtin>/<batch>. */
export const lotPath = (gtin, batch) => `/api/lots/${encodeURIComponent(gtin)}/${encodeURIComponent(batch)}`;

/** "Item name (gtin)" when master data names it, else the GTIN. */
export function itemLabel(items, gtin) {
  const name = items.get(gtin);
  return name ? `${name} (${gtin})` : gtin;
}

/**
 * Master data records of `kind` by key (GET /api/master-data/:kind); an empty map when they cannot
 * be read, so a screen still shows its own data with codes instead of names.
 */
export async function loadMasterData(kind) {
  const { status, body } = await api('GET', `/api/master-data/${kind}`);
  if (status !== 200 || !Array.isArray(body?.records)) return new Map();
  return new Map(body.records.map((record) => [record.key, record.value]));
}

/** GTIN -> item name, from master data. */
export async function loadItemNames() {
  const items = await loadMasterData('item');
  return new Map([...items].map(([gtin, item]) => [gtin, item.name]));
}
