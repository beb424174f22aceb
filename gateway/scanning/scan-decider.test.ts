/**
 * The scan decider against an in-memory site (testing/scan-world.ts): the GS1 parser is the real
 * one (connectors/scanner/gs1.ts) and the rules are a real RulesHost running the demo pack where
 * a test needs rules. One test per check, the cases (ship first, FEFO, a shelf outside
 * 2-8 °C blocks put-away, an operator who may not override), words in both languages for every
 * reason code, and any valid scan getting a valid decision.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { decisionSchema, reasonCodes, scanOps, scanOverrides, scanSchema, type ReasonCode, type Scan } from '../../devices/scan-protocol.ts';
import { createScanDecider, daysLeftOf, type ScanDeciderOptions } from './scan-decider.ts';
import type { RulesView, ScanOutcome } from './scan-ports.ts';
import { scanPrompts, type Prompt } from './scan-prompts.ts';
import { rulesViewOf } from './rules-view.ts';
import { demoPack, openDemoRulesHost, type DemoRulesHost } from './testing/demo-rules-host.ts';
import { MemoryMasterData, type MasterDataRecords } from './testing/memory-master-data.ts';
import {
  CRISPS, dayFromT0, defaultMatrix, FLOUR, gtinOf, label, lots, matrixPermissions, MemoryEnvironment, MILK, siteEnvironment, siteRecords, T0,
} from './testing/scan-world.ts';

const hosts: DemoRulesHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

interface World {
  decide(scan: Partial<Scan> & Pick<Scan, 'op' | 'code'>, now?: number): Promise<ScanOutcome>;
  environment: MemoryEnvironment;
  warnings: unknown[];
}

let scanCount = 0;
function world(options: { records?: (r: MasterDataRecords) => MasterDataRecords; rules?: RulesView; matrix?: Record<string, string[]> } = {}): World {
  const records = siteRecords();
  const masterData = new MemoryMasterData(options.records ? options.records(records) : records);
  const environment = siteEnvironment();
  const permissions = matrixPermissions(options.matrix ?? defaultMatrix);
  const warnings: unknown[] = [];
  const deciderOptions: ScanDeciderOptions = {
    masterData, environment, permissions,
    locations: () => masterData.locations(), rolesHolding: permissions.rolesHolding,
    logger: { warn: (obj) => warnings.push(obj) },
    ...(options.rules ? { rules: options.rules } : {}),
  };
  const decider = createScanDecider(deciderOptions);
  return {
    environment, warnings,
    decide: (scan, now = T0) => decider.decide({ scanId: `s-${++scanCount}`, operator: 'op-anna', ...scan }, { deviceId: 'pda-01', now }),
  };
}

const codes = (outcome: ScanOutcome): ReasonCode[] => outcome.decision.reasons.map((r) => r.code);
const message = (outcome: ScanOutcome, code: ReasonCode): string => outcome.decision.reasons.find((r) => r.code === code)?.message ?? `(no ${code} among ${codes(outcome).join(', ')})`;

describe('scan decider: the code', () => {
  it('allows a putaway of a good lot on an in-range shelf, with the lot and what the code said', async () => {
    const outcome = await world().decide({ op: 'putaway', code: label({ ...lots.good, serial: 'S1' }), location: 'B13', qty: 12 });
    expect(outcome.decision).toMatchObject({
      verdict: 'allow', signal: 'none', reasons: [{ code: 'OK' }], decidedAt: T0,
      lot: { gtin: MILK, batch: 'M100', expiry: lots.good.expiry, daysLeft: 100, serial: 'S1' },
    });
    expect(outcome.decision.prompt.en).toMatch(/^putaway B13: OK/);
    expect(outcome.decision.prompt.zh).toMatch(/^上架 B13：正常/);
    expect(outcome.parsed).toEqual({ gtin: MILK, batch: 'M100', expiry: lots.good.expiry, serial: 'S1' });
    expect(decisionSchema.parse(outcome.decision)).toEqual(outcome.decision);
  });

  it('blocks a code that is not GS1 with the parser\'s message', async () => {
    const bad = `(01)${MILK.slice(0, 13)}${(Number(MILK[13]) + 1) % 10}`;
    const outcome = await world().decide({ op: 'putaway', code: bad, location: 'B13' });
    expect(outcome.decision).toMatchObject({ verdict: 'block', signal: 'vibrate', reasons: [{ code: 'BAD_CODE' }] });
    expect(message(outcome, 'BAD_CODE')).toMatch(/^Barcode not readable as GS1: .*check digit/i);
    expect(outcome.parsed).toBeUndefined();
  });

  it('blocks a GS1 code without a GTIN (01)', async () => {
    const outcome = await world().decide({ op: 'receive', code: '(10)M100(17)260415' });
    expect(codes(outcome)).toEqual(['BAD_CODE']);
    expect(message(outcome, 'BAD_CODE')).toMatch(/no GTIN \(01\)/);
    expect(outcome.parsed).toMatchObject({ batch: 'M100' });
  });
});

describe('scan decider: operator', () => {
  it('blocks an unknown and an inactive operator', async () => {
    const w = world();
    const unknown = await w.decide({ operator: 'op-nobody', op: 'receive', code: label(lots.good) });
    expect(unknown.decision.verdict).toBe('block');
    expect(message(unknown, 'UNKNOWN_OPERATOR')).toMatch(/op-nobody is unknown/);
    const gone = await w.decide({ operator: 'op-gone', op: 'receive', code: label(lots.good) });
    expect(message(gone, 'UNKNOWN_OPERATOR')).toMatch(/op-gone is inactive/);
  });

  it('blocks an operator none of whose roles allows scans.perform, naming the role and the permission', async () => {
    const outcome = await world().decide({ operator: 'op-audit', op: 'receive', code: label(lots.good) });
    expect(outcome.decision.verdict).toBe('block');
    expect(message(outcome, 'NOT_PERMITTED')).toMatch(/role auditor\) does not hold scans\.perform/);
  });
});

describe('scan decider: item, lot and location', () => {
  it('blocks an unknown item', async () => {
    const outcome = await world().decide({ op: 'receive', code: label({ gtin: gtinOf('0950110159999'), batch: 'X1' }) });
    expect(codes(outcome)).toEqual(['UNKNOWN_ITEM']);
    expect(outcome.decision.verdict).toBe('block');
  });

  it('warns of an unknown lot on receive (a new lot arriving) and blocks it on other operations', async () => {
    const w = world();
    const code = label({ gtin: MILK, batch: 'M-NEW', expiry: dayFromT0(200) });
    const received = await w.decide({ op: 'receive', code });
    expect(received.decision).toMatchObject({ verdict: 'warn', signal: 'beep', reasons: [{ code: 'UNKNOWN_LOT' }], lot: { daysLeft: 200 } });
    const putaway = await w.decide({ op: 'putaway', code, location: 'B13' });
    expect(putaway.decision.verdict).toBe('block');
    expect(message(putaway, 'UNKNOWN_LOT')).toMatch(/Unknown lot M-NEW/);
  });

  it('warns when the label\'s expiry (17) disagrees with master data, naming both dates, and decides on master data', async () => {
    const outcome = await world().decide({ op: 'putaway', code: label({ ...lots.good, expiry: dayFromT0(130) }), location: 'B13' });
    expect(outcome.decision.verdict).toBe('warn');
    expect(message(outcome, 'EXPIRY_MISMATCH')).toContain(`says expiry ${dayFromT0(130)}, master data says ${lots.good.expiry}`);
    expect(outcome.decision.lot).toMatchObject({ expiry: lots.good.expiry, daysLeft: 100 });
  });

  it('requires a location for putaway, pick, move and count, not for receive', async () => {
    const w = world();
    for (const op of ['putaway', 'pick', 'move', 'count'] as const) {
      expect(codes(await w.decide({ op, code: label(lots.good) }))).toContain('LOCATION_REQUIRED');
    }
    expect(codes(await w.decide({ op: 'receive', code: label(lots.good) }))).toEqual(['OK']);
  });

  it('blocks an unknown location', async () => {
    const outcome = await world().decide({ op: 'putaway', code: label(lots.good), location: 'Z99' });
    expect(codes(outcome)).toEqual(['UNKNOWN_LOCATION']);
  });
});

describe('scan decider: expiry and quarantine', () => {
  it('counts days left in UTC days: the expiry day itself is 0 left and still valid', () => {
    expect(daysLeftOf('2026-01-05', T0)).toBe(0);
    expect(daysLeftOf('2026-01-05', Date.UTC(2026, 0, 5, 23, 59, 59))).toBe(0);
    expect(daysLeftOf('2026-01-04', Date.UTC(2026, 0, 5, 0, 0, 0))).toBe(-1);
    expect(daysLeftOf('2026-03-06', T0)).toBe(60);
  });

  it('blocks an expired lot for every operation but count, which warns', async () => {
    const w = world();
    for (const op of ['receive', 'putaway', 'pick', 'move'] as const) {
      const outcome = await w.decide({ op, code: label(lots.expired), location: 'B15' });
      expect(outcome.decision.verdict, op).toBe('block');
      expect(message(outcome, 'EXPIRED')).toContain(`expired on ${lots.expired.expiry} (3 days ago)`);
    }
    const count = await w.decide({ op: 'count', code: label(lots.expired), location: 'B15' });
    expect(count.decision.verdict).toBe('warn');
    expect(codes(count)).toEqual(['EXPIRED']);
  });

  it('accepts a lot on its expiry day (0 days left) and warns ship first', async () => {
    const outcome = await world({ records: (r) => ({ ...r, lots: [...r.lots!, { gtin: MILK, batch: 'M000', expiry: dayFromT0(0) }] }) })
      .decide({ op: 'receive', code: label({ gtin: MILK, batch: 'M000' }) });
    expect(codes(outcome)).toEqual(['NEAR_EXPIRY']);
    expect(outcome.decision.lot?.daysLeft).toBe(0);
  });

  it('blocks a quarantined lot with its reason for every operation but count', async () => {
    const w = world();
    for (const op of ['receive', 'putaway', 'pick', 'move'] as const) {
      const outcome = await w.decide({ op, code: label(lots.quarantined), location: 'B13' });
      expect(outcome.decision.verdict, op).toBe('block');
      expect(message(outcome, 'QUARANTINED')).toContain('quarantined (lab: listeria suspected)');
    }
    expect((await w.decide({ op: 'count', code: label(lots.quarantined), location: 'B12' })).decision.verdict).toBe('warn');
  });
});

describe('scan decider: near expiry', () => {
  it('warns "ship first" under the category threshold on receive, putaway, move and pick, not on count', async () => {
    const w = world();
    for (const op of ['receive', 'putaway', 'move'] as const) {
      const outcome = await w.decide({ op, code: label(lots.near), location: 'B14' });
      expect(codes(outcome), op).toEqual(['NEAR_EXPIRY']);
      expect(message(outcome, 'NEAR_EXPIRY')).toBe(`Lot M045 expires on ${lots.near.expiry} (45 days left, under 60): ship first.`);
      expect(outcome.decision.prompt.zh).toContain('优先发货');
    }
    expect(codes(await w.decide({ op: 'pick', code: label(lots.earliest), location: 'B20' }))).toEqual(['NEAR_EXPIRY']);
    expect(codes(await w.decide({ op: 'count', code: label(lots.near), location: 'B14' }))).toEqual(['OK']);
  });

  it('uses each category\'s threshold: 45 days left is fine for dry goods (30), 20 is not', async () => {
    const w = world({ records: (r) => ({ ...r, lots: [...r.lots!, { gtin: FLOUR, batch: 'F45', expiry: dayFromT0(45) }, { gtin: FLOUR, batch: 'F20', expiry: dayFromT0(20) }] }) });
    expect(codes(await w.decide({ op: 'receive', code: label({ gtin: FLOUR, batch: 'F45' }) }))).toEqual(['OK']);
    expect(message(await w.decide({ op: 'receive', code: label({ gtin: FLOUR, batch: 'F20' }) }), 'NEAR_EXPIRY')).toContain('20 days left, under 30');
  });

  it('on a pick says shipping needs consent; the sales role\'s override allows it', async () => {
    const w = world();
    const asked = await w.decide({ op: 'pick', code: label(lots.earliest), location: 'B20' });
    expect(asked.decision.verdict).toBe('warn');
    expect(message(asked, 'NEAR_EXPIRY')).toContain('Shipping it needs consent: scan again confirming the override force_ship_near_expiry');
    const confirmed = await w.decide({ operator: 'op-sam', op: 'pick', code: label(lots.earliest), location: 'B20', override: 'force_ship_near_expiry' });
    expect(confirmed.decision).toMatchObject({ verdict: 'allow', signal: 'none', reasons: [{ code: 'OVERRIDE_APPLIED' }] });
    expect(message(confirmed, 'OVERRIDE_APPLIED')).toContain('confirmed by op-sam (warehouse_operator, sales)');
  });

  it('refuses the override to an operator whose role does not hold it, naming who does', async () => {
    const outcome = await world().decide({ op: 'pick', code: label(lots.earliest), location: 'B20', override: 'force_ship_near_expiry' });
    expect(outcome.decision).toMatchObject({ verdict: 'block', signal: 'vibrate' });
    expect(codes(outcome)).toEqual(['OVERRIDE_REFUSED', 'NEAR_EXPIRY']);
    expect(message(outcome, 'OVERRIDE_REFUSED')).toBe('Your role warehouse_operator does not hold override.force_ship_near_expiry; ask a supervisor (sales).');
    expect(outcome.decision.prompt.zh).toMatch(/^您的角色warehouse_operator没有override\.force_ship_near_expiry/);
  });

  it('ignores an override where nothing needs it, without a reason', async () => {
    const outcome = await world().decide({ op: 'putaway', code: label(lots.good), location: 'B13', override: 'force_ship_near_expiry' });
    expect(codes(outcome)).toEqual(['OK']);
  });

  it('takes the threshold from the demo pack\'s rule and names the rule', async () => {
    const h = await openDemoRulesHost({ now: T0, active: demoPack() });
    hosts.push(h);
    const outcome = await world({ rules: rulesViewOf(h.host) }).decide({ op: 'putaway', code: label(lots.near), location: 'B14' });
    expect(codes(outcome)).toEqual(['NEAR_EXPIRY']);
    expect(message(outcome, 'NEAR_EXPIRY')).toBe(`Lot M045 expires on ${lots.near.expiry} (45 days left): ship first (rule near-expiry-ship-first).`);
    await h.advanceTo(T0 + 1);
    expect(codes(await world({ rules: rulesViewOf(h.host) }).decide({ op: 'putaway', code: label(lots.good), location: 'B13' }))).toEqual(['OK']);
  });

  it('lets a shelf-life rule decide instead of the category threshold: a 30-day rule does not warn a lot with 45 days left', async () => {
    const h = await openDemoRulesHost({ now: T0, active: { ...demoPack(), rules: [{ id: 'ship-first-30', en: 'When the remaining shelf life of the scanned batch is below 30 days, recommend "ship first".' }] } });
    hosts.push(h);
    expect(codes(await world({ rules: rulesViewOf(h.host) }).decide({ op: 'putaway', code: label(lots.near), location: 'B14' }))).toEqual(['OK']);
  });

  it('uses the category threshold when the pack has no shelf-life rule', async () => {
    const h = await openDemoRulesHost({ now: T0, active: demoPack(['cold-chain-b12']) });
    hosts.push(h);
    const outcome = await world({ rules: rulesViewOf(h.host) }).decide({ op: 'putaway', code: label(lots.near), location: 'B14' });
    expect(message(outcome, 'NEAR_EXPIRY')).toContain('45 days left, under 60');
  });

  it('reports another recommendation a rule makes on the scan as a RULE warning', async () => {
    const h = await openDemoRulesHost({ now: T0, active: { ...demoPack(), rules: [{ id: 'recommend-other-180', en: 'When the remaining shelf life of the scanned batch is below 180 days, recommend "replace insert".' }] } });
    // The glossary knows only a few recommendations; any other than ship first is what this is about.
    hosts.push(h);
    const outcome = await world({ rules: rulesViewOf(h.host) }).decide({ op: 'putaway', code: label(lots.good), location: 'B13' });
    expect(outcome.decision.verdict).toBe('warn');
    expect(message(outcome, 'RULE')).toBe('Rule recommend-other-180 recommends "replace-insert".');
  });

  it('falls back to the category threshold when the rules runtime throws, and adds nothing else', async () => {
    const failing: RulesView = { scanFacts: () => Promise.reject(new Error('rule engine closed')), isBlocked: () => false, readsFact: () => true };
    const w = world({ rules: failing });
    const outcome = await w.decide({ op: 'putaway', code: label(lots.near), location: 'B14' });
    expect(codes(outcome)).toEqual(['NEAR_EXPIRY']);
    expect(message(outcome, 'NEAR_EXPIRY')).toContain('under 60');
    expect(w.warnings).toHaveLength(1);
  });
});

describe('scan decider: FEFO', () => {
  it('warns when a pick takes a later lot while an earlier one is in stock, naming its batch, expiry and location', async () => {
    const outcome = await world().decide({ op: 'pick', code: label(lots.good), location: 'B13' });
    expect(outcome.decision.verdict).toBe('warn');
    expect(codes(outcome)).toEqual(['FEFO']);
    expect(message(outcome, 'FEFO')).toBe(`FEFO: lot M010 expires earlier (${lots.earliest.expiry}) than lot M100 (${lots.good.expiry}): pick from B20 instead.`);
    expect(outcome.decision.suggestion).toEqual({ location: 'B20', batch: 'M010' });
    expect(outcome.decision.prompt.zh).toContain('请改到B20货位拣货');
  });

  it('skips lots with no stock, expired or quarantined lots', async () => {
    const w = world({ records: (r) => ({ ...r, stock: r.stock!.map((s) => (s.batch === 'M010' ? { ...s, qty: 0 } : s)) }) });
    const outcome = await w.decide({ op: 'pick', code: label(lots.good), location: 'B13' });
    // M-OLD (expired, B15) expires earlier still; M045 at B14 is the right one.
    expect(outcome.decision.suggestion).toEqual({ location: 'B14', batch: 'M045' });
  });

  it('says nothing when the earliest lot is picked', async () => {
    expect(codes(await world().decide({ operator: 'op-sam', op: 'pick', code: label(lots.earliest), location: 'B20', override: 'force_ship_near_expiry' }))).not.toContain('FEFO');
  });
});

describe('scan decider: shelf environment', () => {
  it('blocks put-away on a shelf outside the item\'s 2-8 °C and suggests the nearest in-range shelf of the zone', async () => {
    const outcome = await world().decide({ op: 'putaway', code: label(lots.good), location: 'B12' });
    expect(outcome.decision).toMatchObject({ verdict: 'block', signal: 'vibrate', suggestion: { location: 'B13' } });
    expect(message(outcome, 'SHELF_OUT_OF_RANGE')).toBe('Shelf B12 is at 9.4 °C; Fresh milk 1 L must be stored at 2-8 °C - put it away on B13 (4.1 °C).');
    expect(outcome.decision.prompt.zh).toBe('B12货位当前温度9.4 °C，Fresh milk 1 L须在2-8 °C储存，请放到B13货位（4.1 °C）。');
  });

  it('blocks a move to such a shelf too, and skips shelves that are out of range or stale when suggesting', async () => {
    const w = world();
    w.environment.set('shelf-sensors/B13/temperature', 8.6).set('shelf-sensors/B14/temperature', 5, { ts: T0 - 6 * 60_000 });
    const outcome = await w.decide({ op: 'move', code: label(lots.good), location: 'B12' });
    expect(outcome.decision.suggestion).toEqual({ location: 'B20' });
    expect(message(outcome, 'SHELF_OUT_OF_RANGE')).toContain('put it away on B20 (3.5 °C)');
  });

  it('checks humidity the same way', async () => {
    const w = world({ records: (r) => ({ ...r, lots: [...r.lots!, { gtin: FLOUR, batch: 'F1', expiry: dayFromT0(300) }] }) });
    const outcome = await w.decide({ op: 'putaway', code: label({ gtin: FLOUR, batch: 'F1' }), location: 'D02', qty: 25 });
    expect(message(outcome, 'SHELF_OUT_OF_RANGE')).toBe('Shelf D02 is at 72 %RH; Flour 25 kg must be stored at 30-60 %RH - put it away on D01 (45 %RH).');
  });

  it('lets a plant engineer put away on the alarm shelf (warn + OVERRIDE_APPLIED) and refuses an operator', async () => {
    const w = world();
    const engineer = await w.decide({ operator: 'op-pete', op: 'putaway', code: label(lots.good), location: 'B12', override: 'putaway_on_alarm_shelf' });
    expect(engineer.decision.verdict).toBe('warn');
    expect(codes(engineer)).toEqual(['SHELF_OUT_OF_RANGE', 'OVERRIDE_APPLIED']);
    const operator = await w.decide({ op: 'putaway', code: label(lots.good), location: 'B12', override: 'putaway_on_alarm_shelf' });
    expect(operator.decision.verdict).toBe('block');
    expect(message(operator, 'OVERRIDE_REFUSED')).toBe('Your role warehouse_operator does not hold override.putaway_on_alarm_shelf; ask a supervisor (plant_engineer).');
  });

  it('warns when the shelf has no sensor, no reading, a bad one or a stale one', async () => {
    const w = world();
    expect(message(await w.decide({ op: 'putaway', code: label(lots.good), location: 'B15' }), 'SHELF_NO_READING')).toMatch(/^Shelf B15 has no temperature sensor/);
    w.environment.set('shelf-sensors/B13/temperature', 4, { quality: 'bad' });
    expect(message(await w.decide({ op: 'putaway', code: label(lots.good), location: 'B13' }), 'SHELF_NO_READING')).toMatch(/reports a bad reading/);
    w.environment.set('shelf-sensors/B13/temperature', 4, { ts: T0 - 12 * 60_000 });
    const stale = await w.decide({ op: 'putaway', code: label(lots.good), location: 'B13' });
    expect(stale.decision.verdict).toBe('warn');
    expect(message(stale, 'SHELF_NO_READING')).toMatch(/is 12 min old/);
    w.environment.delete('shelf-sensors/B13/temperature');
    expect(message(await w.decide({ op: 'putaway', code: label(lots.good), location: 'B13' }), 'SHELF_NO_READING')).toMatch(/no temperature reading from shelf B13 yet/i);
  });

  it('sets no constraint for an item without a range', async () => {
    expect(codes(await world().decide({ op: 'putaway', code: label({ gtin: CRISPS }), location: 'B12' }))).toEqual(['OK']);
  });

  it('blocks put-away where the cold-chain-b12 rule holds a block, even with the alarm-shelf override', async () => {
    const h = await openDemoRulesHost({ now: T0, active: demoPack(['cold-chain-b12']) });
    hosts.push(h);
    await h.feed('shelf-sensors', 'B12/temperature', 9.4);
    await h.advanceTo(T0 + 5 * 60_000);
    const w = world({ rules: rulesViewOf(h.host) });
    w.environment.set('shelf-sensors/B12/temperature', 9.4, { ts: T0 + 5 * 60_000 }).set('shelf-sensors/B13/temperature', 4.1, { ts: T0 + 5 * 60_000 });
    const outcome = await w.decide({ operator: 'op-pete', op: 'putaway', code: label(lots.good), location: 'B12', override: 'putaway_on_alarm_shelf' }, T0 + 5 * 60_000);
    expect(outcome.decision.verdict).toBe('block');
    expect(codes(outcome)).toEqual(['LOCATION_BLOCKED', 'SHELF_OUT_OF_RANGE', 'OVERRIDE_APPLIED']);
    expect(message(outcome, 'LOCATION_BLOCKED')).toBe('Put-away at B12 is blocked by a rule (the shelf is out of its range): put it away on B13 and tell QA.');
    // Not a put-away: a count at B12 is not blocked.
    expect(codes(await w.decide({ op: 'count', code: label(lots.quarantined), location: 'B12' }, T0 + 5 * 60_000))).not.toContain('LOCATION_BLOCKED');
  });
});

describe('scan decider: quantity', () => {
  it('blocks a quantity that is not a whole number of "ea" units; a kg item may have decimals', async () => {
    const w = world({ records: (r) => ({ ...r, lots: [...r.lots!, { gtin: FLOUR, batch: 'F1', expiry: dayFromT0(300) }] }) });
    expect(message(await w.decide({ op: 'putaway', code: label(lots.good), location: 'B13', qty: 2.5 }), 'QTY_INVALID')).toBe('Quantity 2.5 is not valid for unit ea: enter a whole number above 0.');
    expect(codes(await w.decide({ op: 'putaway', code: label({ gtin: FLOUR, batch: 'F1' }), location: 'D01', qty: 2.5 }))).toEqual(['OK']);
  });

  it('blocks a quantity that disagrees with the label\'s (30)', async () => {
    const outcome = await world().decide({ op: 'putaway', code: label({ ...lots.good, qty: 12 }), location: 'B13', qty: 10 });
    expect(outcome.decision.verdict).toBe('block');
    expect(message(outcome, 'QTY_MISMATCH')).toContain("Quantity 10 disagrees with the label's 12");
    expect(codes(await world().decide({ op: 'putaway', code: label({ ...lots.good, qty: 12 }), location: 'B13', qty: 12 }))).toEqual(['OK']);
  });

  it('warns when a pick takes more than the books hold for that lot there', async () => {
    const outcome = await world().decide({ op: 'pick', code: label(lots.earliest), location: 'B20', qty: 8 });
    expect(message(outcome, 'QTY_EXCEEDS_STOCK')).toBe('Picking 8 of lot M010 at B20, but the books hold 6: count the shelf and report the difference.');
  });
});

describe('scan decider: the answer', () => {
  it('puts the most severe reasons first in the prompt, in both languages', async () => {
    const outcome = await world().decide({ op: 'pick', code: label({ ...lots.good, qty: 12 }), location: 'B13', qty: 50 });
    expect(codes(outcome)).toEqual(['QTY_MISMATCH', 'FEFO', 'QTY_EXCEEDS_STOCK']);
    expect(outcome.decision.prompt.en.split('\n')).toHaveLength(3);
    expect(outcome.decision.prompt.zh.split('\n')[0]).toMatch(/^数量50与标签上的12不符/);
  });

  it('has words in English and Chinese for every reason code', () => {
    const samples: { [K in ReasonCode]: Parameters<(typeof scanPrompts)[K]>[0] } = {
      OK: { op: 'putaway', location: 'B13', item: 'Fresh milk 1 L', batch: 'M100' },
      BAD_PAYLOAD: { problem: 'qty: expected a number' },
      BAD_CODE: { noGtin: true },
      UNKNOWN_ITEM: { gtin: MILK },
      UNKNOWN_LOT: { kind: 'unknown', batch: 'M1', item: 'Milk', op: 'pick' },
      UNKNOWN_LOCATION: { location: 'Z9' },
      LOCATION_REQUIRED: { op: 'move' },
      UNKNOWN_OPERATOR: { operator: 'op-x', inactive: false },
      NOT_PERMITTED: { operator: 'op-x', roles: ['auditor'], permission: 'scans.perform' },
      EXPIRED: { batch: 'M1', expiry: '2026-01-01', daysLeft: -4, op: 'pick' },
      QUARANTINED: { batch: 'M1', reason: 'recall', op: 'pick' },
      NEAR_EXPIRY: { batch: 'M1', expiry: '2026-02-01', daysLeft: 27, thresholdDays: 60, needsConsent: true },
      FEFO: { batch: 'M2', expiry: '2026-05-01', earlierBatch: 'M1', earlierExpiry: '2026-02-01', earlierLocation: 'B20' },
      SHELF_OUT_OF_RANGE: { location: 'B12', measurement: 'temperature', value: 9.4, item: 'Milk', min: 2, max: 8, instead: { location: 'B13', value: 4.1 } },
      SHELF_NO_READING: { location: 'B12', measurement: 'humidity', why: 'stale', ageMinutes: 7, item: 'Flour', min: 30, max: 60 },
      LOCATION_BLOCKED: { location: 'B12', instead: 'B13' },
      QTY_INVALID: { qty: 1.5, unit: 'ea' },
      QTY_MISMATCH: { qty: 10, labelQty: 12 },
      QTY_EXCEEDS_STOCK: { qty: 8, booked: 6, batch: 'M1', location: 'B20' },
      OVERRIDE_APPLIED: { override: 'force_ship_near_expiry', operator: 'op-sam', roles: ['sales'], batch: 'M1', daysLeft: 9 },
      OVERRIDE_REFUSED: { override: 'putaway_on_alarm_shelf', roles: ['warehouse_operator'], holders: ['plant_engineer'] },
      RULE: { ruleId: 'r1', kind: 'recommend', detail: { recommendation: 'check-label' } },
      EXPIRY_MISMATCH: { batch: 'M1', labelExpiry: '2026-03-01', masterExpiry: '2026-02-01' },
      NOT_RECORDED: { cause: 'store-refused' },
    };
    for (const code of reasonCodes) {
      const prompt = (scanPrompts[code] as (args: unknown) => Prompt)(samples[code]);
      expect(prompt.en, code).toMatch(/^[^\u4e00-\u9fff]{10,}$/);
      expect(prompt.zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(prompt.zh, code).not.toMatch(/\bthe\b|\bmust\b/);
    }
    expect(scanPrompts.EXPIRED(samples.EXPIRED).zh).toContain('已过期');
    expect(scanPrompts.QUARANTINED(samples.QUARANTINED).zh).toContain('已隔离');
    expect(scanPrompts.SHELF_OUT_OF_RANGE(samples.SHELF_OUT_OF_RANGE).zh).toContain('请放到B13货位');
  });

  it('gives any scan the schema accepts a decision the schema accepts, and never throws', async () => {
    const healthy = world();
    const failingRules = world({ rules: { scanFacts: () => Promise.reject(new Error('boom')), isBlocked: () => { throw new Error('closed'); }, readsFact: () => true } });
    const knownCodes = Object.values(lots).map((l) => label(l));
    const codeArb = fc.oneof(
      fc.constantFrom(...knownCodes, label({ gtin: CRISPS }), label({ gtin: FLOUR, batch: 'F1', qty: 3 }), '(10)M100', ']C1010950110153000', '\u001d01'),
      fc.string({ minLength: 1, maxLength: 80 }),
      fc.array(fc.constantFrom('(01)', '(10)', '(17)', '(21)', '(30)', '(37)', '(00)', MILK, '260230', '991399', 'M100', '\u001d', ']d2', '0', '12'), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
    );
    const scanArb = fc.record({
      scanId: fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
      operator: fc.constantFrom('op-anna', 'op-sam', 'op-pete', 'op-gone', 'op-audit', 'op-x'),
      op: fc.constantFrom(...scanOps),
      code: codeArb,
      location: fc.option(fc.constantFrom('B12', 'B13', 'B15', 'B20', 'D01', 'R01', 'Z9'), { nil: undefined }),
      qty: fc.option(fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.001, max: 1_000_000, noNaN: true })), { nil: undefined }),
      override: fc.option(fc.constantFrom(...scanOverrides), { nil: undefined }),
      at: fc.option(fc.nat(), { nil: undefined }),
    }, { requiredKeys: ['scanId', 'operator', 'op', 'code'] });
    await fc.assert(fc.asyncProperty(scanArb, fc.integer({ min: 0, max: 4_102_444_800_000 }), async (raw, now) => {
      const parsed = scanSchema.safeParse(raw);
      fc.pre(parsed.success);
      for (const w of [healthy, failingRules]) {
        const outcome = await w.decide(parsed.data!, now);
        expect(decisionSchema.safeParse(outcome.decision).success).toBe(true);
        expect(outcome.decision.scanId).toBe(parsed.data!.scanId);
        expect(outcome.decision.reasons.length).toBeGreaterThan(0);
      }
    }), { numRuns: 2000 });
  });

  it('decides in microseconds without the rules call (printed, not asserted)', async () => {
    const w = world();
    const scans = [
      { op: 'putaway' as const, code: label(lots.good), location: 'B13' },
      { op: 'pick' as const, code: label(lots.good), location: 'B13' },
      { op: 'putaway' as const, code: label(lots.good), location: 'B12' },
    ];
    for (let i = 0; i < 2000; i++) await w.decide(scans[i % 3]!);
    const runs = 30_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await w.decide(scans[i % 3]!);
    const perScanUs = Number(process.hrtime.bigint() - started) / runs / 1000;
    console.log(`scan decider: ${perScanUs.toFixed(2)} µs per decision over ${runs} scans (OK, FEFO warn, shelf block with suggestion)`);
    expect(perScanUs).toBeGreaterThan(0);
  });
});
