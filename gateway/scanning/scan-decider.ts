/**
 * Decides a scan (issue 6, docs/scan-protocol.md): reads the GS1 code, then checks the operator,
 * item, lot, location, expiry, quarantine, near expiry ("ship first"), FEFO, the target shelf's
 * environment and rule blocks, and the quantity, all against the gateway's in-memory views, so it
 * answers in microseconds and the same way when the cloud is away. Every check runs and each
 * finding becomes a reason; the worst verdict wins (block > warn > allow), the most severe
 * reasons come first in the prompt.
 *
 * Near expiry is a rule where the active pack has one reading `scan.remainingShelfLifeDays`: its
 * `ship-first` recommendation is the warning and names the rule, and the category threshold is not
 * applied. Without such a rule, or when the rules runtime fails, the category's threshold decides.
 *
 * Overrides: an operator confirms one on the device after a warning; it counts only where it is
 * needed and only when one of their roles holds `override.<name>`.
 */
import { parseGs1, type Gs1Result } from '../../connectors/scanner/gs1.ts';
import type { ItemRecord, LocationRecord, LotRecord, OperatorRecord } from '../../config/master-data-schema.ts';
import type { Decision, ReasonCode, Scan, ScanOp, ScanOverride, Signal, Verdict } from '../../devices/scan-protocol.ts';
import type { DecideContext, EnvironmentView, MasterDataView, PermissionView, RulesView, ScanDecider, ScanOutcome } from './scan-ports.ts';
import { scanPrompts, type Measurement, type Prompt } from './scan-prompts.ts';

export interface ScanDeciderLogger {
  warn(obj: object, msg?: string): void;
}

export interface ScanDeciderOptions {
  masterData: MasterDataView;
  environment: EnvironmentView;
  permissions: PermissionView;
  rules?: RulesView;
  /** A shelf reading older than this is no reading (default 5 min). */
  staleReadingMs?: number;
  /** Near-expiry threshold of an item whose category is unknown (default 60 days). */
  defaultNearExpiryDays?: number;
  /** Every location, to suggest another shelf of the zone when one is out of range or blocked; absent: no suggestion. */
  locations?: () => Iterable<LocationRecord>;
  /** The roles holding a permission, to name who may confirm an override ("ask a supervisor (sales)"); absent: nobody is named. */
  rolesHolding?: (permission: string) => readonly string[];
  logger?: ScanDeciderLogger;
}

const DAY_MS = 86_400_000;
const severity: Record<Verdict, number> = { allow: 0, warn: 1, block: 2 };
const signalOf: Record<Verdict, Signal> = { allow: 'none', warn: 'beep', block: 'vibrate' };
const needsLocation: Record<ScanOp, boolean> = { receive: false, putaway: true, pick: true, move: true, count: true };
/** Where near expiry is worth saying: stock arriving, being stored or leaving. */
const nearExpiryOps: Record<ScanOp, boolean> = { receive: true, putaway: true, move: true, pick: true, count: false };
/** Where stock is placed on the scanned shelf, so the shelf must suit it. */
const placesStock: Record<ScanOp, boolean> = { receive: false, putaway: true, move: true, pick: false, count: false };
/** The fact a shelf-life rule reads (rules/library/demo-plant.glossary.yaml). */
const SHELF_LIFE_FACT = 'scan.remainingShelfLifeDays';

/** The operation name a rule's block effect uses (rules/library: "block put-away at B12"). */
const PUT_AWAY = 'put-away';

const measurements: ReadonlyArray<{ name: Measurement; range: (i: ItemRecord) => ItemRecord['temperatureC']; tag: (l: LocationRecord) => string | undefined }> = [
  { name: 'temperature', range: (i) => i.temperatureC, tag: (l) => l.temperatureTag },
  { name: 'humidity', range: (i) => i.humidityPct, tag: (l) => l.humidityTag },
];

interface Finding {
  code: ReasonCode;
  verdict: Verdict;
  prompt: Prompt;
}

/** The scan's working set, passed between the checks. */
interface Scene {
  scan: Scan;
  now: number;
  findings: Finding[];
  operator?: OperatorRecord;
  location?: LocationRecord;
  suggestion?: Decision['suggestion'];
}

export function createScanDecider(options: ScanDeciderOptions): ScanDecider {
  const md = options.masterData;
  const staleReadingMs = options.staleReadingMs ?? 5 * 60_000;
  const defaultNearExpiryDays = options.defaultNearExpiryDays ?? 60;

  const add = (scene: Scene, code: ReasonCode, verdict: Verdict, prompt: Prompt): void => {
    scene.findings.push({ code, verdict, prompt });
  };

  const holds = (operator: OperatorRecord | undefined, permission: string): boolean =>
    operator !== undefined && operator.active && operator.roles.some((role) => options.permissions.allows(role, permission));

  /** Applies an override the operator asked for to a finding that needs it; returns the verdict to give that finding. */
  const override = (scene: Scene, which: ScanOverride, details: { batch?: string; daysLeft?: number; location?: string }): 'applied' | 'refused' | 'none' => {
    if (scene.scan.override !== which) return 'none';
    const roles = scene.operator?.roles ?? [];
    if (holds(scene.operator, `override.${which}`)) {
      add(scene, 'OVERRIDE_APPLIED', 'allow', scanPrompts.OVERRIDE_APPLIED({ override: which, operator: scene.scan.operator, roles, ...details }));
      return 'applied';
    }
    const holders = options.rolesHolding?.(`override.${which}`) ?? [];
    add(scene, 'OVERRIDE_REFUSED', 'block', scanPrompts.OVERRIDE_REFUSED({ override: which, roles, holders }));
    return 'refused';
  };

  const checkOperator = (scene: Scene): void => {
    const operator = md.operator(scene.scan.operator);
    if (!operator || !operator.active) {
      add(scene, 'UNKNOWN_OPERATOR', 'block', scanPrompts.UNKNOWN_OPERATOR({ operator: scene.scan.operator, inactive: operator !== undefined }));
      return;
    }
    scene.operator = operator;
    if (!holds(operator, 'scans.perform')) {
      add(scene, 'NOT_PERMITTED', 'block', scanPrompts.NOT_PERMITTED({ operator: operator.id, roles: operator.roles, permission: 'scans.perform' }));
    }
  };

  const checkLocation = (scene: Scene): void => {
    const code = scene.scan.location;
    if (code === undefined) {
      if (needsLocation[scene.scan.op]) add(scene, 'LOCATION_REQUIRED', 'block', scanPrompts.LOCATION_REQUIRED({ op: scene.scan.op }));
      return;
    }
    scene.location = md.location(code);
    if (!scene.location) add(scene, 'UNKNOWN_LOCATION', 'block', scanPrompts.UNKNOWN_LOCATION({ location: code }));
  };

  const checkQuantity = (scene: Scene, item: ItemRecord, labelQty: number | undefined): void => {
    const { qty } = scene.scan;
    if (qty !== undefined && (!(qty > 0) || (item.unit === 'ea' && !Number.isInteger(qty)))) {
      add(scene, 'QTY_INVALID', 'block', scanPrompts.QTY_INVALID({ qty, unit: item.unit }));
    }
    if (qty !== undefined && labelQty !== undefined && qty !== labelQty) {
      add(scene, 'QTY_MISMATCH', 'block', scanPrompts.QTY_MISMATCH({ qty, labelQty }));
    }
  };

  /** Another shelf of the zone that is not blocked and whose readings suit the item, nearest by code (B12 -> B13 before B20). */
  const nearestShelf = (scene: Scene, from: LocationRecord, item: ItemRecord): LocationRecord | undefined => {
    if (!options.locations) return undefined;
    let best: LocationRecord | undefined;
    let bestDistance = Infinity;
    for (const candidate of options.locations()) {
      if (candidate.code === from.code || candidate.zone !== from.zone) continue;
      if (measurements.some((m) => m.range(item) !== undefined && inRange(m, candidate, item, scene.now) === undefined)) continue;
      if (isBlocked(candidate.code)) continue;
      const distance = codeDistance(from.code, candidate.code);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  };

  /** The candidate's good, fresh reading when inside the item's range, else undefined. */
  const inRange = (m: (typeof measurements)[number], location: LocationRecord, item: ItemRecord, now: number): number | undefined => {
    const range = m.range(item)!;
    const tag = m.tag(location);
    const reading = tag === undefined ? undefined : options.environment.latest(tag);
    if (!reading || reading.quality !== 'good' || now - reading.ts > staleReadingMs) return undefined;
    return reading.value >= range.min && reading.value <= range.max ? reading.value : undefined;
  };

  const isBlocked = (location: string): boolean => {
    if (!options.rules) return false;
    try {
      return options.rules.isBlocked(PUT_AWAY, location);
    } catch (error) {
      options.logger?.warn({ err: error, location }, 'cannot read the rule blocks; deciding without them');
      return false;
    }
  };

  const checkShelf = (scene: Scene, item: ItemRecord): void => {
    const location = scene.location;
    if (!location || !placesStock[scene.scan.op]) return;
    const outOfRange: Array<{ m: Measurement; value: number; min: number; max: number }> = [];
    for (const m of measurements) {
      const range = m.range(item);
      if (!range) continue;
      const tag = m.tag(location);
      const reading = tag === undefined ? undefined : options.environment.latest(tag);
      const base = { location: location.code, measurement: m.name, item: item.name, min: range.min, max: range.max };
      if (!reading || reading.quality !== 'good' || scene.now - reading.ts > staleReadingMs) {
        const why = tag === undefined ? 'no-sensor' : !reading ? 'no-reading' : reading.quality !== 'good' ? 'bad-quality' : 'stale';
        const ageMinutes = reading ? Math.floor((scene.now - reading.ts) / 60_000) : undefined;
        add(scene, 'SHELF_NO_READING', 'warn', scanPrompts.SHELF_NO_READING({ ...base, why, ...(ageMinutes === undefined ? {} : { ageMinutes }) }));
      } else if (reading.value < range.min || reading.value > range.max) {
        outOfRange.push({ m: m.name, value: reading.value, min: range.min, max: range.max });
      }
    }
    const blocked = isBlocked(location.code);
    if (outOfRange.length === 0 && !blocked) return;
    const instead = nearestShelf(scene, location, item);
    if (instead) scene.suggestion = { location: instead.code };
    if (outOfRange.length > 0) {
      const outcome = override(scene, 'putaway_on_alarm_shelf', { location: location.code });
      for (const o of outOfRange) {
        const insteadValue = instead && valueAt(instead, o.m);
        const prompt = scanPrompts.SHELF_OUT_OF_RANGE({
          location: location.code, measurement: o.m, value: o.value, item: item.name, min: o.min, max: o.max,
          ...(instead && insteadValue !== undefined ? { instead: { location: instead.code, value: insteadValue } } : {}),
        });
        add(scene, 'SHELF_OUT_OF_RANGE', outcome === 'applied' ? 'warn' : 'block', prompt);
      }
    }
    if (blocked) add(scene, 'LOCATION_BLOCKED', 'block', scanPrompts.LOCATION_BLOCKED({ location: location.code, ...(instead ? { instead: instead.code } : {}) }));
  };

  const valueAt = (location: LocationRecord, m: Measurement): number | undefined => {
    const tag = m === 'temperature' ? location.temperatureTag : location.humidityTag;
    return tag === undefined ? undefined : options.environment.latest(tag)?.value;
  };

  /** FEFO: the released, unexpired lot of the item with stock that expires first, if earlier than the scanned one. */
  const checkFefo = (scene: Scene, gtin: string, batch: string, expiry: string): void => {
    let earliest: { batch: string; expiry: string; location: string } | undefined;
    for (const row of md.stockOf(gtin)) {
      if (row.qty <= 0 || row.batch === batch) continue;
      const lot = md.lot(gtin, row.batch);
      if (!lot || lot.status !== 'released' || lot.expiry >= expiry || daysLeftOf(lot.expiry, scene.now) < 0) continue;
      if (!earliest || lot.expiry < earliest.expiry || (lot.expiry === earliest.expiry && row.location < earliest.location)) {
        earliest = { batch: row.batch, expiry: lot.expiry, location: row.location };
      }
    }
    if (!earliest) return;
    add(scene, 'FEFO', 'warn', scanPrompts.FEFO({ batch, expiry, earlierBatch: earliest.batch, earlierExpiry: earliest.expiry, earlierLocation: earliest.location }));
    scene.suggestion ??= { location: earliest.location, batch: earliest.batch };
  };

  const checkStockAtLocation = (scene: Scene, gtin: string, batch: string, qty: number): void => {
    const location = scene.location!.code;
    let booked = 0;
    for (const row of md.stockOf(gtin)) if (row.batch === batch && row.location === location) booked += row.qty;
    if (qty > booked) add(scene, 'QTY_EXCEEDS_STOCK', 'warn', scanPrompts.QTY_EXCEEDS_STOCK({ qty, booked, batch, location }));
  };

  /** The rules runtime's word on the shelf life: the rule that recommended ship first, if any. */
  /** The rule that recommended ship first; undefined when none did; null when no rule decides (none, or the runtime failed). */
  const askRules = async (scene: Scene, daysLeft: number): Promise<string | undefined | null> => {
    if (!options.rules || !options.rules.readsFact(SHELF_LIFE_FACT)) return null;
    let fired: Awaited<ReturnType<RulesView['scanFacts']>>;
    try {
      fired = await options.rules.scanFacts({ [SHELF_LIFE_FACT]: daysLeft });
    } catch (error) {
      options.logger?.warn({ err: error }, 'the rules runtime failed on a scan fact; using the category threshold');
      return null;
    }
    let shipFirst: string | undefined;
    for (const f of fired) {
      if (f.kind !== 'recommend') continue;
      if (f.detail.recommendation === 'ship-first') shipFirst ??= f.ruleId;
      else add(scene, 'RULE', 'warn', scanPrompts.RULE(f));
    }
    return shipFirst;
  };

  const checkExpiry = async (scene: Scene, item: ItemRecord, lot: LotRecord | undefined, batch: string | undefined, expiry: string, daysLeft: number): Promise<void> => {
    const { op } = scene.scan;
    const lotOk = lot?.status !== 'quarantined';
    if (daysLeft < 0) add(scene, 'EXPIRED', op === 'count' ? 'warn' : 'block', scanPrompts.EXPIRED({ ...opt('batch', batch), expiry, daysLeft, op }));
    if (!lotOk) add(scene, 'QUARANTINED', op === 'count' ? 'warn' : 'block', scanPrompts.QUARANTINED({ ...opt('batch', batch), ...opt('reason', lot?.reason), op }));
    if (daysLeft < 0 || !lotOk || !nearExpiryOps[op]) return;
    const asked = await askRules(scene, daysLeft);
    const thresholdDays = md.category(item.category)?.nearExpiryDays ?? defaultNearExpiryDays;
    if (asked === undefined || (asked === null && daysLeft >= thresholdDays)) return;
    const ruleId = asked ?? undefined;
    const near = { ...opt('batch', batch), expiry, daysLeft, ...(ruleId === undefined ? { thresholdDays } : { ruleId }) };
    if (op !== 'pick') {
      add(scene, 'NEAR_EXPIRY', 'warn', scanPrompts.NEAR_EXPIRY({ ...near, needsConsent: false }));
      return;
    }
    const outcome = override(scene, 'force_ship_near_expiry', { ...opt('batch', batch), daysLeft });
    // Refused: OVERRIDE_REFUSED already says what to do; asking for the override again would not help.
    if (outcome !== 'applied') add(scene, 'NEAR_EXPIRY', 'warn', scanPrompts.NEAR_EXPIRY({ ...near, needsConsent: outcome === 'none' }));
  };

  /** The item-dependent checks, once the code named a GTIN. */
  const checkItem = async (scene: Scene, code: Extract<Gs1Result, { ok: true }>, gtin: string): Promise<Decision['lot']> => {
    const item = md.item(gtin);
    const lotView: NonNullable<Decision['lot']> = { gtin, ...opt('batch', code.batch), ...opt('serial', code.serial) };
    if (!item) {
      add(scene, 'UNKNOWN_ITEM', 'block', scanPrompts.UNKNOWN_ITEM({ gtin }));
      if (code.expiry !== undefined) lotView.expiry = code.expiry;
      return lotView;
    }
    const { op } = scene.scan;
    const batch = code.batch;
    const lot = batch === undefined ? undefined : md.lot(gtin, batch);
    if (batch !== undefined && !lot) {
      add(scene, 'UNKNOWN_LOT', op === 'receive' ? 'warn' : 'block',
        scanPrompts.UNKNOWN_LOT(op === 'receive' ? { kind: 'new', batch, item: item.name } : { kind: 'unknown', batch, item: item.name, op }));
    }
    if (lot && code.expiry !== undefined && code.expiry !== lot.expiry) {
      add(scene, 'EXPIRY_MISMATCH', 'warn', scanPrompts.EXPIRY_MISMATCH({ batch: lot.batch, labelExpiry: code.expiry, masterExpiry: lot.expiry }));
    }
    checkQuantity(scene, item, code.qty);
    const expiry = lot?.expiry ?? code.expiry;
    if (expiry !== undefined) {
      const daysLeft = daysLeftOf(expiry, scene.now);
      lotView.expiry = expiry;
      lotView.daysLeft = daysLeft;
      await checkExpiry(scene, item, lot, batch, expiry, daysLeft);
      if (op === 'pick' && batch !== undefined) checkFefo(scene, gtin, batch, expiry);
    }
    if (op === 'pick' && batch !== undefined && lot && scene.location) checkStockAtLocation(scene, gtin, batch, scene.scan.qty ?? code.qty ?? 1);
    checkShelf(scene, item);
    return lotView;
  };

  const decide = async (scan: Scan, context: DecideContext): Promise<ScanOutcome> => {
    const scene: Scene = { scan, now: context.now, findings: [] };
    checkOperator(scene);
    checkLocation(scene);
    const code = parseCode(scan.code, context.now);
    let lot: Decision['lot'];
    if (!code.ok) {
      add(scene, 'BAD_CODE', 'block', scanPrompts.BAD_CODE({ problem: code.message }));
    } else if (code.gtin === undefined) {
      add(scene, 'BAD_CODE', 'block', scanPrompts.BAD_CODE({ noGtin: true }));
    } else {
      lot = await checkItem(scene, code, code.gtin);
    }
    const decision = decisionOf(scene, lot);
    if (!code.ok) return { decision };
    return { decision, parsed: { ...opt('gtin', code.gtin), ...opt('batch', code.batch), ...opt('expiry', code.expiry), ...opt('serial', code.serial), ...opt('qty', code.qty) } };
  };

  const decisionOf = (scene: Scene, lot: Decision['lot']): Decision => {
    const { findings, scan } = scene;
    if (findings.length === 0) {
      const item = lot ? md.item(lot.gtin)?.name ?? lot.gtin : scan.code;
      add(scene, 'OK', 'allow', scanPrompts.OK({ op: scan.op, ...opt('location', scan.location), item, ...opt('batch', lot?.batch) }));
    }
    // Stable: equal severities keep the order the checks found them in.
    findings.sort((a, b) => severity[b.verdict] - severity[a.verdict]);
    const verdict = findings[0]!.verdict;
    const decision: Decision = {
      scanId: scan.scanId,
      verdict,
      reasons: findings.map((f) => ({ code: f.code, message: f.prompt.en })),
      prompt: { en: findings.map((f) => f.prompt.en).join('\n'), zh: findings.map((f) => f.prompt.zh).join('\n') },
      signal: signalOf[verdict],
      decidedAt: Math.max(0, Math.floor(scene.now)),
    };
    if (lot) decision.lot = lot;
    if (scene.suggestion) decision.suggestion = scene.suggestion;
    return decision;
  };

  return { decide };
}

/** Days from today (UTC) to the expiry date: the expiry day itself is 0 left and still valid; negative is expired. */
export function daysLeftOf(expiry: string, nowMs: number): number {
  const expiryDay = Date.UTC(Number(expiry.slice(0, 4)), Number(expiry.slice(5, 7)) - 1, Number(expiry.slice(8, 10))) / DAY_MS;
  return expiryDay - Math.floor(nowMs / DAY_MS);
}

/** The parser never meets a scan unanswered: should it throw (a bug), the code is refused with that. */
function parseCode(code: string, now: number): Gs1Result {
  try {
    return parseGs1(code, { now });
  } catch (error) {
    return { ok: false, message: `the code could not be parsed (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** `{ key: value }` when value is defined, else `{}`: optional fields stay absent, not undefined. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** How far apart two shelf codes are: same prefix by number (B12 -> B13 is 1), otherwise far. */
function codeDistance(a: string, b: string): number {
  const ma = /^(.*?)(\d+)$/.exec(a);
  const mb = /^(.*?)(\d+)$/.exec(b);
  if (ma && mb && ma[1] === mb[1]) return Math.abs(Number(ma[2]) - Number(mb[2]));
  return 1e9 + (a < b ? 0 : 1);
}
