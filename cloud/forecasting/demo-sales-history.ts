/**
 * Eighteen months of believable sales for the demo (issue 8, item 1): the forecasts, the backtest
 * and the MAPE monitor need history, and a fresh demo cloud has only its opening balances. For
 * every item that holds storage stock, this posts back-dated moves through the real ledger:
 * weekly receipts from a supplier into the warehouse's receiving location (new lots, expiry =
 * receipt day + the item's shelf life) put away to the item's main shelf, and daily FEFO
 * shipments to a customer following a demand pattern a planner would recognise: a level per SKU,
 * a weekday profile (Saturday high, Tuesday low), yearly seasonality, the decay before the Spring
 * Festival and the holiday week after it, a slump in Golden Week, a few promotions with uplift,
 * noise, and twice per SKU two missed deliveries in a row whose stock-outs stop shipments (censored demand).
 * Lots past their expiry (or inside their category's GSP lock) are scrapped, never shipped.
 *
 * The ledger judges a shipped lot against its posting clock, so each simulated day is posted by a
 * ledger whose clock reads that day: a milk lot sold in 2025 was fresh then even though it is
 * long expired now. Everything runs in one IMMEDIATE transaction (each post is a savepoint in
 * it), so a crash leaves no half history, and ~100k moves post in seconds. The demo's own stock
 * left at the end is moved to an adjustment location as of now, so the ledger ends with exactly
 * the stock it started with and the opening balances stay what they were.
 *
 * Idempotent: moves carry the request keys `demo-history:<sku>:<day>#<n>` (the ledger adds `#n`
 * per move of a post); when any exists, a call posts nothing. Deterministic for a seed.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { InventoryCatalog, Item, Location, MoveInput } from '../inventory/inventory-types.ts';
import { storageKinds } from '../inventory/inventory-types.ts';
import { SqliteLedger } from '../inventory/sqlite-ledger.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { addDays, DAY_MS, dayOfMs, dayStartMs, nearestChineseNewYear, type CalendarRange } from './calendar-features.ts';
import { ForecastingError } from './forecasting-errors.ts';
import { seededRandom, type SeededRandom } from './seeded-random.ts';

export const DEMO_HISTORY_KEY_PREFIX = 'demo-history:';
const HOUR_MS = 3_600_000;
/** Mon..Sun: a trade customer base orders most for the weekend and least early in the week. */
const WEEKDAY_PROFILE = [0.95, 0.82, 0.9, 0.97, 1.12, 1.38, 0.86] as const;
const GOLDEN_WEEK_FACTOR = 0.6;
const MISSED_DELIVERY_STRETCHES = 2;
const PROMOTIONS_PER_SKU = 3;

export interface DemoHistoryTarget {
  /** The inventory's database (the cloud's SQLite file); the history is posted through a ledger on it. */
  db: SqliteDatabase;
  catalog: InventoryCatalog;
  clock: Pick<Clock, 'now'>;
}

export interface DemoHistoryOptions {
  /** Days of history ending with `until`; default 540 (18 months). */
  days?: number;
  /** The last day of history, YYYY-MM-DD, before today; default yesterday (UTC). */
  until?: string;
  /** Same seed, same catalogue and stock: the same history. Default 8. */
  seed?: number;
  actor?: string;
}

export interface DemoSeriesReport {
  sku: string;
  warehouse: string;
  shelf: string;
  receivingLocation: string;
  meanDailyDemand: number;
  received: number;
  shipped: number;
  /** Demand that found no stock (the stock-out days' missed sales). */
  lostSales: number;
  stockOutDays: number;
  scrapped: number;
  /** The promotions the pattern ran, as calendar ranges for the forecasting calendar. */
  promotions: Array<CalendarRange & { uplift: number }>;
}

export interface DemoHistoryReport {
  /** True when demo history was already in the ledger: nothing was posted. */
  alreadyPresent: boolean;
  posted: number;
  from: string;
  until: string;
  series: DemoSeriesReport[];
}

interface SimLot { batch: string | null; expiryDay: number; qty: number }

interface SkuPlan {
  item: Item; shelf: Location; receiving: Location; untilDay: number; calendar: DemoCalendar;
  /** The SKU's own stream (seed x SKU), so adding an item does not change the others' history. */
  random: SeededRandom;
  /** Batch codes the SKU already has (the opening lots), so a demo lot never takes one. */
  knownBatches: ReadonlySet<string>;
  /** Mean daily demand today; the weekday profile (Monday first, mean 1), season, trend. */
  level: number; weekday: number[]; seasonAmplitude: number; seasonPhase: number; trendPerYear: number;
  shelfLifeDays: number | null; lockDays: number;
  promotions: Array<CalendarRange & { uplift: number; fromDay: number; toDay: number }>;
  skippedReceiptDays: Set<number>;
}

/** The places the flows need; a catalogue without one gets a message saying what to add. */
interface Places { supplier: string; customer: string; scrap: string | null; adjustment: string }

export function generateDemoSalesHistory(target: DemoHistoryTarget, options: DemoHistoryOptions = {}): DemoHistoryReport {
  const { db, catalog, clock } = target;
  const today = Math.floor(clock.now() / DAY_MS);
  const days = options.days ?? 540;
  if (!Number.isInteger(days) || days < 28 || days > 2000) throw new ForecastingError('INVALID_INPUT', `days: expected a whole number of days from 28 to 2000, found ${JSON.stringify(options.days)}`, 'days');
  const untilDay = options.until === undefined ? today - 1 : Math.floor(dayStart('until', options.until) / DAY_MS);
  if (untilDay >= today) throw new ForecastingError('INVALID_INPUT', `until: expected a day before today (${dayOfMs(today * DAY_MS)}), found ${options.until}; history cannot be in the future`, 'until');
  const seed = options.seed ?? 8;
  if (!Number.isInteger(seed)) throw new ForecastingError('INVALID_INPUT', `seed: expected a whole number, found ${JSON.stringify(options.seed)}`, 'seed');
  const actor = options.actor ?? 'demo-history';
  const firstDay = untilDay - days + 1;
  const span = { from: dayOfMs(firstDay * DAY_MS), until: dayOfMs(untilDay * DAY_MS) };

  const existing = db.prepare('SELECT 1 FROM inv_move WHERE request_key >= ? AND request_key < ? LIMIT 1')
    .get(DEMO_HISTORY_KEY_PREFIX, `${DEMO_HISTORY_KEY_PREFIX.slice(0, -1)};`);
  if (existing !== undefined) return { alreadyPresent: true, posted: 0, ...span, series: [] };

  let simulatedNow = clock.now();
  const ledger = new SqliteLedger(db, { now: () => simulatedNow });
  const places = placesOf(catalog.locations());
  const plans = planSkus(catalog, ledger, seed, new DemoCalendar(), firstDay, untilDay);

  return db.transaction((): DemoHistoryReport => {
    let posted = 0;
    const series: DemoSeriesReport[] = [];
    for (const plan of plans) {
      const sim = new SkuSimulation(plan, places);
      for (let d = firstDay; d <= untilDay; d++) {
        const moves = sim.day(d);
        if (moves.length === 0) continue;
        // Posted that evening: lots are judged (expired, GSP lock) as they stood that day.
        simulatedNow = d * DAY_MS + 20 * HOUR_MS;
        posted += ledger.post(moves, { actor, requestKey: `${DEMO_HISTORY_KEY_PREFIX}${plan.item.sku}:${dayOfMs(d * DAY_MS)}` }).length;
      }
      simulatedNow = clock.now();
      const closing = sim.closingMoves(simulatedNow);
      if (closing.length > 0) posted += ledger.post(closing, { actor, requestKey: `${DEMO_HISTORY_KEY_PREFIX}${plan.item.sku}:closing` }).length;
      series.push(sim.report());
    }
    return { alreadyPresent: false, posted, ...span, series };
  }).immediate();
}

function dayStart(field: string, day: string): number {
  try {
    return dayStartMs(day, field);
  } catch (error) {
    throw new ForecastingError('INVALID_INPUT', (error as Error).message, field);
  }
}

function placesOf(locations: readonly Location[]): Places {
  const first = (kind: Location['kind']) => locations.find((l) => l.kind === kind)?.code ?? null;
  const supplier = first('supplier');
  const customer = first('customer');
  const adjustment = first('adjustment');
  const missing = [['supplier', supplier], ['customer', customer], ['adjustment', adjustment]].filter(([, code]) => code === null).map(([kind]) => kind);
  if (missing.length > 0) {
    throw new ForecastingError('INVALID_INPUT', `catalogue: demo history needs a location of kind ${missing.join(', ')}; add one (PUT /api/inventory/locations) and start again`, 'catalogue');
  }
  return { supplier: supplier!, customer: customer!, scrap: first('scrap'), adjustment: adjustment! };
}

/** One plan per item with storage stock (serialized items are left out: each unit would need its own serial). */
function planSkus(catalog: InventoryCatalog, ledger: SqliteLedger, seed: number, calendar: DemoCalendar, firstDay: number, untilDay: number): SkuPlan[] {
  const locations = new Map(catalog.locations().map((l) => [l.code, l]));
  const storageCodes = new Set([...locations.values()].filter((l) => storageKinds.includes(l.kind)).map((l) => l.code));
  const stockBySku = new Map<string, Map<string, number>>();
  for (const balance of ledger.balances({})) {
    if (!storageCodes.has(balance.location) || balance.qty <= 0) continue;
    const byShelf = stockBySku.get(balance.sku) ?? new Map<string, number>();
    byShelf.set(balance.location, (byShelf.get(balance.location) ?? 0) + balance.qty);
    stockBySku.set(balance.sku, byShelf);
  }
  const plans: SkuPlan[] = [];
  for (const item of catalog.items()) {
    const byShelf = stockBySku.get(item.sku);
    if (!byShelf || item.serialized) continue;
    const [shelfCode] = [...byShelf].sort(([a, qa], [b, qb]) => qb - qa || (a < b ? -1 : 1))[0]!;
    const shelf = locations.get(shelfCode)!;
    const random = seededRandom((seed ^ hashOf(item.sku)) >>> 0);
    const warehouse = shelf.path[0]!;
    const total = [...byShelf].filter(([code]) => locations.get(code)!.path[0] === warehouse).reduce((sum, [, qty]) => sum + qty, 0);
    const receiving = [...locations.values()]
      .filter((l) => l.path[0] === warehouse && storageCodes.has(l.code) && /recv|receiv/i.test(`${l.code} ${l.name ?? ''}`))
      .sort((a, b) => b.path.length - a.path.length || (a.code < b.code ? -1 : 1))[0] ?? shelf;
    const lockDays = catalog.category(item.category)?.lockDays ?? 0;
    const shelfLifeDays = item.lotTracked ? Math.max(item.shelfLifeDays ?? Math.round(random.uniform(30, 365)), lockDays + 14) : null;
    const weekday = WEEKDAY_PROFILE.map((w) => w * random.uniform(0.95, 1.05));
    const weekdayMean = weekday.reduce((a, b) => a + b, 0) / 7;
    plans.push({
      item, random, untilDay, calendar, shelf, knownBatches: new Set(catalog.lots({ sku: item.sku }).map((l) => l.batch)), receiving, lockDays, shelfLifeDays,
      // The opening stock covers one to two weeks of demand, so the history and today's shelves agree.
      level: Math.max(0.4, total / random.uniform(7, 14)),
      weekday: weekday.map((w) => w / weekdayMean),
      seasonAmplitude: random.uniform(0.08, 0.22),
      seasonPhase: random.uniform(0, 365),
      trendPerYear: random.uniform(-0.05, 0.15),
      promotions: promotionsOf(item.sku, random, calendar, firstDay, untilDay),
      skippedReceiptDays: skippedMondays(random, calendar, firstDay, untilDay),
    });
  }
  return plans;
}

/** A few promotions, away from the Spring Festival so its decay stays readable. */
function promotionsOf(sku: string, random: SeededRandom, calendar: DemoCalendar, firstDay: number, untilDay: number): SkuPlan['promotions'] {
  const promotions: SkuPlan['promotions'] = [];
  for (let attempt = 0; attempt < 50 && promotions.length < PROMOTIONS_PER_SKU; attempt++) {
    const length = Math.floor(random.uniform(4, 11));
    const fromDay = Math.floor(random.uniform(firstDay + 30, untilDay - length));
    const toDay = fromDay + length - 1;
    const clash = promotions.some((p) => fromDay <= p.toDay + 14 && toDay >= p.fromDay - 14);
    const nearFestival = [fromDay, toDay].some((d) => nearFestivalDay(calendar.of(d).fromChineseNewYear));
    if (clash || nearFestival) continue;
    const from = dayOfMs(fromDay * DAY_MS);
    promotions.push({ name: `${sku} promotion ${from}`, kind: 'promotion', from, to: dayOfMs(toDay * DAY_MS), uplift: Math.round(random.uniform(1.4, 2.2) * 100) / 100, fromDay, toDay });
  }
  return promotions.sort((a, b) => a.fromDay - b.fromDay);
}

/** Twice the supplier missed two deliveries in a row (two Mondays each), apart from each other and from the ends of the history. */
function skippedMondays(random: SeededRandom, calendar: DemoCalendar, firstDay: number, untilDay: number): Set<number> {
  const mondays: number[] = [];
  for (let d = firstDay + 28; d <= untilDay - 35; d++) {
    // A stock-out next to the festival would blur its decay; elsewhere it is what censoring is for.
    if (isoWeekdayOf(d) === 1 && !nearFestivalDay(calendar.of(d).fromChineseNewYear) && !nearFestivalDay(calendar.of(d + 7).fromChineseNewYear)) mondays.push(d);
  }
  const firstMissed: number[] = [];
  for (let attempt = 0; attempt < 50 && firstMissed.length < MISSED_DELIVERY_STRETCHES && mondays.length > 0; attempt++) {
    const monday = mondays[Math.floor(random.next() * mondays.length)]!;
    if (firstMissed.every((s) => Math.abs(s - monday) > 60)) firstMissed.push(monday);
  }
  return new Set(firstMissed.flatMap((monday) => [monday, monday + 7]));
}

/** From 60 days before Chinese New Year to 20 after: kept clear of promotions and missed deliveries. */
const nearFestivalDay = (fromChineseNewYear: number | null): boolean => fromChineseNewYear !== null && fromChineseNewYear >= -60 && fromChineseNewYear <= 20;

function daysFromChineseNewYear(dayIndex: number): number | null {
  try {
    return nearestChineseNewYear(dayOfMs(dayIndex * DAY_MS)).daysFromChineseNewYear;
  } catch {
    return null; // outside the table's years: no festival effect rather than a guess
  }
}

/** ISO weekday (Monday 1) of an epoch day index: 1970-01-01 was a Thursday. */
const isoWeekdayOf = (dayIndex: number): number => ((((dayIndex + 3) % 7) + 7) % 7) + 1;

interface CalendarDay { weekdayIndex: number; holiday: number; fromChineseNewYear: number | null }

/** The calendar's part of demand per day, the same for every SKU, so worked out once per day. */
class DemoCalendar {
  readonly #days = new Map<number, CalendarDay>();

  of(dayIndex: number): CalendarDay {
    let entry = this.#days.get(dayIndex);
    if (!entry) {
      const monthDay = dayOfMs(dayIndex * DAY_MS).slice(5);
      const goldenWeek = monthDay >= '10-01' && monthDay <= '10-07' ? GOLDEN_WEEK_FACTOR : 1;
      const fromChineseNewYear = daysFromChineseNewYear(dayIndex);
      entry = { weekdayIndex: isoWeekdayOf(dayIndex) - 1, holiday: springFestivalFactor(fromChineseNewYear) * goldenWeek, fromChineseNewYear };
      this.#days.set(dayIndex, entry);
    }
    return entry;
  }
}

/** Demand falls off over the three weeks before Chinese New Year, stays low in the holiday week, then recovers. */
function springFestivalFactor(t: number | null): number {
  if (t === null || t < -21 || t > 14) return 1;
  if (t < 0) return 1 - (0.5 * (t + 22)) / 21;
  if (t <= 6) return 0.3;
  return 0.3 + (0.7 * (t - 6)) / 9;
}

/** One SKU's days: its lots on the shelf, what each day receives, scraps and ships. */
class SkuSimulation {
  readonly #plan: SkuPlan;
  readonly #places: Places;
  readonly #random: SeededRandom;
  /** FEFO order: earliest expiry first (receipts of one SKU share a shelf life, so arrival order). */
  readonly #lots: SimLot[] = [];
  readonly #totals = { received: 0, shipped: 0, lost: 0, stockOutDays: 0, scrapped: 0, demand: 0, days: 0 };

  constructor(plan: SkuPlan, places: Places) {
    this.#plan = plan;
    this.#places = places;
    this.#random = plan.random;
  }

  /** The expected demand of a day: level x trend x season x weekday x festival x Golden Week x promotion. */
  mean(dayIndex: number): number {
    const p = this.#plan;
    const { weekdayIndex, holiday } = p.calendar.of(dayIndex);
    const season = 1 + p.seasonAmplitude * Math.sin(2 * Math.PI * (dayIndex - p.seasonPhase) / 365.25);
    // The level is today's; the trend runs up to it.
    const trend = 1 + p.trendPerYear * ((dayIndex - p.untilDay) / 365.25);
    const promotion = p.promotions.find((x) => dayIndex >= x.fromDay && dayIndex <= x.toDay)?.uplift ?? 1;
    return p.level * Math.max(0.5, trend) * season * p.weekday[weekdayIndex]! * holiday * promotion;
  }

  day(d: number): MoveInput[] {
    const p = this.#plan;
    const moves: MoveInput[] = [];
    const at = (hour: number, minute = 0) => d * DAY_MS + hour * HOUR_MS + minute * 60_000;
    this.#scrapUnsellable(d, at(6), moves);
    const monday = isoWeekdayOf(d) === 1;
    // The first day stocks the shelf; then the supplier delivers every Monday it does not miss.
    if (this.#totals.received === 0 || (monday && !p.skippedReceiptDays.has(d))) this.#receive(d, at(7), moves);
    const demand = poisson(this.mean(d) * Math.exp(0.2 * this.#random.normal() - 0.02), this.#random);
    this.#totals.demand += demand;
    this.#totals.days++;
    let left = demand;
    let n = 0;
    for (const lot of this.#lots) {
      if (left <= 0) break;
      if (lot.qty <= 0 || !this.#sellable(lot, d)) continue;
      const qty = Math.min(left, lot.qty);
      lot.qty -= qty;
      left -= qty;
      moves.push({ sku: p.item.sku, lot: lot.batch, qty, from: p.shelf.code, to: this.#places.customer, reason: 'shipment', docType: 'demo-order', docId: `DO-${dayOfMs(d * DAY_MS)}`, effectiveAt: at(10, n++) });
    }
    this.#totals.shipped += demand - left;
    this.#totals.lost += left;
    this.#dropEmptyLots();
    if (this.#lots.every((l) => l.qty === 0)) this.#totals.stockOutDays++;
    return moves;
  }

  /** What the demo still holds at the end, moved out as of `now` so the ledger keeps only the stock it started with. */
  closingMoves(now: number): MoveInput[] {
    const p = this.#plan;
    return this.#lots.filter((l) => l.qty > 0).map((lot) => ({
      sku: p.item.sku, lot: lot.batch, qty: lot.qty, from: p.shelf.code, to: this.#places.adjustment, reason: 'adjustment' as const, effectiveAt: now,
      note: 'demo history ends: its own remaining stock is taken out so the opening balances stay as they were',
    }));
  }

  report(): DemoSeriesReport {
    const p = this.#plan;
    const t = this.#totals;
    return {
      sku: p.item.sku, warehouse: p.shelf.path[0]!, shelf: p.shelf.code, receivingLocation: p.receiving.code,
      meanDailyDemand: Math.round((t.demand / Math.max(1, t.days)) * 100) / 100,
      received: t.received, shipped: t.shipped, lostSales: t.lost, stockOutDays: t.stockOutDays, scrapped: t.scrapped,
      promotions: p.promotions.map(({ name, kind, from, to, uplift }) => ({ name, kind, from, to, uplift })),
    };
  }

  #sellable(lot: SimLot, d: number): boolean {
    return this.#plan.shelfLifeDays === null || lot.expiryDay - d >= Math.max(0, this.#plan.lockDays);
  }

  /** Order up to what the next eight days should sell, with a margin for noise. */
  #receive(d: number, effectiveAt: number, moves: MoveInput[]): void {
    const p = this.#plan;
    let expected = 0;
    for (let k = 0; k < 8; k++) expected += this.mean(d + k);
    const sellable = this.#lots.filter((l) => this.#sellable(l, d)).reduce((sum, l) => sum + l.qty, 0);
    const qty = Math.ceil(expected * 1.3 + 2 * Math.sqrt(expected) - sellable);
    if (qty <= 0) return;
    const day = dayOfMs(d * DAY_MS);
    const lot: SimLot = p.shelfLifeDays === null
      ? { batch: null, expiryDay: Number.POSITIVE_INFINITY, qty }
      : { batch: this.#batchFor(day), expiryDay: d + p.shelfLifeDays, qty };
    const expiry = p.shelfLifeDays === null ? undefined : addDays(day, p.shelfLifeDays);
    const docs = { docType: 'demo-receipt', docId: `DR-${day}` };
    moves.push({ sku: p.item.sku, lot: lot.batch, expiry, qty, from: this.#places.supplier, to: p.receiving.code, reason: 'receipt', ...docs, effectiveAt });
    if (p.receiving.code !== p.shelf.code) {
      moves.push({ sku: p.item.sku, lot: lot.batch, qty, from: p.receiving.code, to: p.shelf.code, reason: 'putaway', ...docs, effectiveAt: effectiveAt + HOUR_MS });
    }
    const pooled = lot.batch === null ? this.#lots.find((l) => l.batch === null) : undefined;
    if (pooled) pooled.qty += qty;
    else this.#lots.push(lot);
    this.#totals.received += qty;
  }

  /** `DH<yymmdd>`, unless the catalogue already has such a lot of this SKU (then an X is added until it is new). */
  #batchFor(day: string): string {
    let batch = `DH${day.slice(2).replaceAll('-', '')}`;
    while (this.#plan.knownBatches.has(batch)) batch += 'X';
    return batch;
  }

  #scrapUnsellable(d: number, effectiveAt: number, moves: MoveInput[]): void {
    if (this.#places.scrap === null) return;
    for (const lot of this.#lots) {
      if (lot.qty <= 0 || this.#sellable(lot, d)) continue;
      moves.push({ sku: this.#plan.item.sku, lot: lot.batch, qty: lot.qty, from: this.#plan.shelf.code, to: this.#places.scrap, reason: 'scrap', note: 'demo history: expired before it sold', effectiveAt });
      this.#totals.scrapped += lot.qty;
      lot.qty = 0;
    }
    this.#dropEmptyLots();
  }

  #dropEmptyLots(): void {
    for (let i = this.#lots.length - 1; i >= 0; i--) if (this.#lots[i]!.qty <= 0) this.#lots.splice(i, 1);
  }
}

/** Knuth's method for small means, a rounded normal for large ones (the difference is noise itself). */
function poisson(mean: number, random: SeededRandom): number {
  if (mean <= 0) return 0;
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let product = random.next();
  while (product > limit) {
    k++;
    product *= random.next();
  }
  return k;
}

/** FNV-1a: a per-SKU stream from the seed, so adding an item does not change the others' history. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
