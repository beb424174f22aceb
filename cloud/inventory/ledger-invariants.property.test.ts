/**
 * Property test (issue 7): random sequences of receipts, transfers, reservations, releases,
 * shipments and picks against reservations and without, reversals (of any move, and of the picks
 * and shipments that fulfilled a reservation), lot status changes and days passing, valid and
 * invalid, on the real ledger and reservations over a real SQLite file. After every command, read
 * straight from the tables: no negative stock where the location does not allow it, open
 * reservations within the balance of their key, every SKU's balances summing to 0 over all
 * locations (double entry), reservations' lines adding up to their quantity, each line's
 * fulfilled quantity what the unreversed moves naming it add up to (capped at the line), a reservation
 * fulfilled exactly when all its lines are, a released one's lines never changing again, and a
 * refused command having changed nothing. At the end the drift check finds nothing.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { SqliteInventoryCatalog } from './catalog.ts';
import { fulfilmentFindings } from './drift-check.ts';
import { InventoryError } from './inventory-errors.ts';
import { SqliteReservations } from './reservations.ts';
import { SqliteLedger } from './sqlite-ledger.ts';
import { SqliteStockStates } from './stock-states.ts';
import { DAY, DAY1, openInventoryFixture, settableClock, SKU, type InventoryFixture, type SettableClock } from './testing/inventory-fixture.ts';
import { stockSnapshot } from './testing/stock-snapshot.ts';

const NUM_RUNS = 250;
const EPSILON = 0.0005;

const lots = { L1: '2026-03-08', L2: '2026-03-20', L3: null } as const;
type LotName = keyof typeof lots;
const storage = ['B10', 'B11', 'A01'] as const;
const holding = [...storage, 'TRANSIT'] as const;

const qty = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom(0.5, 2.25, 0.001) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.0001) },
);
const sku = fc.constantFrom<string>(SKU.milk, SKU.bolt);
const lot = fc.constantFrom<LotName>('L1', 'L2', 'L3');

const command = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('receive' as const), sku, lot, qty, to: fc.constantFrom(...holding) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('transfer' as const), sku, lot, qty, from: fc.constantFrom(...holding), to: fc.constantFrom(...holding, 'SCRAP') }) },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant('reserve' as const), sku, qty, reservationKind: fc.constantFrom('order' as const, 'outbound' as const),
    lot: fc.option(lot, { freq: 3 }), location: fc.option(fc.constantFrom('COLD', 'AMB', 'B10', 'WH1'), { freq: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(50) }) },
  // To the customer a shipment; to shelf A02 (staging, which transfers never empty) a pick. Half pick among active reservations only.
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('shipReserved' as const), pick: fc.nat(50), line: fc.nat(5), qty, to: fc.constantFrom('CUST-1', 'CUST-1', 'A02'), activeOnly: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('shipFree' as const), sku, lot, qty, from: fc.constantFrom(...storage) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(60) }) },
  // One in four releases the reservation first ("released meanwhile").
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reverseReserved' as const), pick: fc.nat(60), releaseFirst: fc.constantFrom(false, false, false, true) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lotStatus' as const), lot, status: fc.constantFrom('released' as const, 'quarantined' as const, 'recalled' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nextDays' as const), days: fc.integer({ min: 1, max: 10 }) }) },
);
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

interface World {
  f: { db: SqliteDatabase; catalog: SqliteInventoryCatalog; ledger: SqliteLedger; clock: SettableClock };
  reservations: SqliteReservations; states: SqliteStockStates;
  /** The lines of each reservation as they were when it was first seen released (JSON). */
  releasedLines: Map<number, string>;
}

// Migrating and seeding a fresh file takes ~60 ms; each run starts from a copy of one seeded file instead.
let template: InventoryFixture;
let templateFile: string;
let runs = 0;
beforeAll(() => {
  template = openInventoryFixture();
  template.db.pragma('wal_checkpoint(TRUNCATE)');
  templateFile = join(template.dir, 'template.sqlite');
  copyFileSync(template.file, templateFile);
});
afterAll(() => template?.close());

function openWorld(): World & { close(): void } {
  const file = join(template.dir, `run-${++runs}.sqlite`);
  copyFileSync(templateFile, file);
  const db = openDatabase(file);
  const clock = settableClock(DAY1);
  const f = { db, clock, catalog: new SqliteInventoryCatalog(db, clock), ledger: new SqliteLedger(db, clock) };
  return {
    f, reservations: new SqliteReservations(db, clock), states: new SqliteStockStates(db, clock), releasedLines: new Map(),
    close: () => {
      db.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
}

const lotOf = (itemSku: string, name: LotName) => (itemSku === SKU.milk ? { lot: name, expiry: lots[name] } : {});

/** `count` tallies what a command did, so the test can tell the mix reached every case. */
function run(world: World, c: Command, count: (what: string) => void): 'skipped' | void {
  const { f, reservations } = world;
  const actor = { actor: 'prop' };
  switch (c.kind) {
    case 'receive':
      f.ledger.post([{ sku: c.sku, ...lotOf(c.sku, c.lot), qty: c.qty, from: 'SUP-1', to: c.to, reason: 'receipt' }], actor);
      return;
    case 'transfer': {
      const { lot: batch } = lotOf(c.sku, c.lot);
      f.ledger.post([{ sku: c.sku, lot: batch, qty: c.qty, from: c.from, to: c.to, reason: c.to === 'SCRAP' ? 'scrap' : 'transfer' }], actor);
      return;
    }
    case 'reserve':
      // A lot for the bolt (not lot-tracked) is refused; one in eight tries it.
      reservations.reserve({ sku: c.sku, kind: c.reservationKind, qty: c.qty, lot: c.lot === null || (c.sku === SKU.bolt && c.qty !== 2) ? null : c.lot, location: c.location }, actor);
      return;
    case 'release': {
      const all = reservations.list({ limit: 500 });
      reservations.release(all.length === 0 ? c.pick + 1 : all[c.pick % all.length]!.id, actor);
      return;
    }
    case 'shipReserved': {
      const all = reservations.list({ limit: 500, status: c.activeOnly ? 'active' : undefined });
      const reservation = all[c.pick % Math.max(1, all.length)];
      const line = reservation?.lines[c.line % Math.max(1, reservation.lines.length)];
      if (!reservation || !line) return 'skipped';
      f.ledger.post([{ sku: reservation.sku, lot: line.lot, qty: c.qty, from: line.location, to: c.to, reason: c.to === 'A02' ? 'pick' : 'shipment', reservationId: reservation.id }], actor);
      return;
    }
    case 'shipFree':
      f.ledger.post([{ sku: c.sku, lot: lotOf(c.sku, c.lot).lot, qty: c.qty, from: c.from, to: 'CUST-1', reason: 'shipment' }], actor);
      return;
    case 'reverse': {
      const moves = f.ledger.counts().moves;
      f.ledger.reverse(moves === 0 ? c.pick + 1 : (c.pick % (moves + 2)) + 1, actor);
      return;
    }
    case 'reverseReserved': {
      const fulfilling = f.db.prepare(`SELECT id FROM inv_move m WHERE reservation_id IS NOT NULL AND reverses IS NULL
        AND NOT EXISTS (SELECT 1 FROM inv_move r WHERE r.reverses = m.id) ORDER BY id`).pluck().all() as number[];
      if (fulfilling.length === 0) return 'skipped';
      const original = f.ledger.move(fulfilling[c.pick % fulfilling.length]!)!;
      const status = f.db.prepare('SELECT status FROM inv_reservation WHERE id = ?').pluck().get(original.reservationId);
      const fulfilled = f.db.prepare('SELECT fulfilled FROM inv_reservation_line WHERE reservation_id = ? AND location = ? AND lot_key = ?').pluck();
      const before = fulfilled.get(original.reservationId, original.from, original.lotId ?? 0) as number;
      // Release and reversal in one transaction (nested: a savepoint), so a refused reversal undoes the release too.
      f.db.transaction(() => {
        if (c.releaseFirst && status === 'active') reservations.release(original.reservationId!, actor);
        f.ledger.reverse(original.id, actor);
      })();
      const reopened = before - (fulfilled.get(original.reservationId, original.from, original.lotId ?? 0) as number);
      const releasedBefore = status === 'released' || (c.releaseFirst && status === 'active');
      if (releasedBefore) count('released, not reopened');
      if (reopened > EPSILON) count('reopened');
      if (reopened > EPSILON && status === 'fulfilled') count('reopened a fulfilled reservation');
      if (!releasedBefore && reopened < original.qty - EPSILON) count('reopened less than the move');
      return;
    }
    case 'lotStatus':
      if (f.catalog.lot(SKU.milk, c.lot)) f.catalog.setLotStatus(SKU.milk, c.lot, c.status, 'property test', 'prop');
      return;
    case 'nextDays':
      f.clock.advance(c.days * DAY);
  }
}

/** The invariants, read from the tables rather than through the code under test. */
function checkInvariants(world: World, step: string): void {
  const { db } = world.f;
  const negative = db.prepare(`SELECT b.sku, b.location, b.lot_key, b.qty FROM inv_balance b JOIN inv_location l ON l.code = b.location
    WHERE l.allow_negative = 0 AND b.qty < -${EPSILON}`).all();
  expect(negative, `${step}: negative stock`).toEqual([]);
  const overReserved = db.prepare(`SELECT rl.sku, rl.location, rl.lot_key, SUM(rl.qty - rl.fulfilled) AS open, IFNULL(b.qty, 0) AS balance
    FROM inv_reservation_line rl JOIN inv_reservation r ON r.id = rl.reservation_id AND r.status = 'active'
    LEFT JOIN inv_balance b ON b.sku = rl.sku AND b.location = rl.location AND b.lot_key = rl.lot_key
    GROUP BY rl.sku, rl.location, rl.lot_key HAVING open > balance + ${EPSILON}`).all();
  expect(overReserved, `${step}: open reservations above their balance`).toEqual([]);
  const unbalanced = db.prepare(`SELECT sku, SUM(qty) AS total FROM inv_balance GROUP BY sku HAVING ABS(total) > ${EPSILON}`).all();
  expect(unbalanced, `${step}: double entry`).toEqual([]);
  const badLines = db.prepare(`SELECT r.id, r.qty, IFNULL(SUM(rl.qty), 0) AS lines FROM inv_reservation r LEFT JOIN inv_reservation_line rl ON rl.reservation_id = r.id
    WHERE r.kind <> 'presale' GROUP BY r.id HAVING ABS(lines - r.qty) > ${EPSILON}`).all();
  expect(badLines, `${step}: lines add up to the reservation`).toEqual([]);
  // An open or fulfilled reservation's line is fulfilled by its picks/shipments out of the line's key that were not reversed
  // (capped at the line), and each such reversal names the reservation it gave the quantity back to. (Released: frozen, below.)
  const badFulfilled = fulfilmentFindings(db);
  expect(badFulfilled, `${step}: fulfilled lines are what the unreversed moves naming them add up to`).toEqual([]);
  const unnamed = db.prepare(`SELECT rev.id, rev.reservation_id, m.reservation_id AS fulfilled FROM inv_move rev JOIN inv_move m ON m.id = rev.reverses
    JOIN inv_reservation r ON r.id = m.reservation_id WHERE r.status <> 'released' AND rev.reservation_id IS NOT m.reservation_id`).all();
  expect(unnamed, `${step}: reversals that re-opened a reservation name it`).toEqual([]);
  const strayMoves = db.prepare(`SELECT m.id FROM inv_move m LEFT JOIN inv_reservation_line rl ON rl.reservation_id = m.reservation_id
      AND rl.location = CASE WHEN m.reverses IS NULL THEN m.from_location ELSE m.to_location END AND rl.lot_key = IFNULL(m.lot_id, 0)
    WHERE m.reservation_id IS NOT NULL AND rl.reservation_id IS NULL`).all();
  expect(strayMoves, `${step}: moves naming a reservation where it has no line`).toEqual([]);
  const badStatus = db.prepare(`SELECT r.id, r.status, SUM(rl.fulfilled < rl.qty - ${EPSILON}) AS openLines
    FROM inv_reservation r JOIN inv_reservation_line rl ON rl.reservation_id = r.id WHERE r.status <> 'released'
    GROUP BY r.id HAVING (r.status = 'fulfilled') <> (openLines = 0)`).all();
  expect(badStatus, `${step}: a reservation is fulfilled exactly when all its lines are`).toEqual([]);
  // A released reservation is history: nothing (a reversal least of all) changes its lines afterwards.
  const released = db.prepare(`SELECT r.id, json_group_array(json_array(rl.location, rl.lot_key, rl.qty, rl.fulfilled)) AS lines
    FROM inv_reservation r JOIN inv_reservation_line rl ON rl.reservation_id = r.id WHERE r.status = 'released' GROUP BY r.id`).all() as Array<{ id: number; lines: string }>;
  for (const { id, lines } of released) {
    expect(lines, `${step}: lines of released reservation ${id}`).toBe(world.releasedLines.get(id) ?? lines);
    world.releasedLines.set(id, lines);
  }
  for (const summary of world.states.summaries()) {
    expect(summary.available, `${step}: available of ${summary.sku}`).toBeGreaterThanOrEqual(0);
    expect(summary.reserved + summary.pendingOutbound, `${step}: reserved of ${summary.sku}`).toBeLessThanOrEqual(summary.physical + EPSILON);
  }
}

describe('ledger and reservation invariants under random command sequences', () => {
  it(`hold after every command, refusals change nothing, and the drift check finds nothing (${NUM_RUNS} runs)`, () => {
    const outcomes = new Map<string, number>();
    const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
    fc.assert(fc.property(fc.array(command, { minLength: 10, maxLength: 80, size: 'max' }), (commands) => {
      const world = openWorld();
      const { f } = world;
      try {
        commands.forEach((c, i) => {
          const before = stockSnapshot(f.db);
          try {
            if (run(world, c, count) === 'skipped') return;
            count(`${c.kind} done`);
          } catch (error) {
            if (!(error instanceof InventoryError)) throw error;
            count(`${c.kind} refused`);
            expect(stockSnapshot(f.db), `command ${i} ${JSON.stringify(c)} was refused (${error.code}) but changed something`).toEqual(before);
          }
          checkInvariants(world, `after command ${i} ${JSON.stringify(c)}`);
        });
        const drift = f.ledger.driftCheck();
        expect({ findings: drift.findings, serials: drift.serialFindings, overReserved: drift.overReserved, fulfilment: drift.fulfilmentFindings }).toEqual({ findings: [], serials: [], overReserved: [], fulfilment: [] });
      } finally {
        world.close();
      }
    }), { numRuns: NUM_RUNS });
    // Every kind of command was carried out many times, not only refused.
    for (const kind of ['receive', 'transfer', 'reserve', 'release', 'shipReserved', 'shipFree', 'reverse', 'reverseReserved']) {
      expect(outcomes.get(`${kind} done`) ?? 0, `${kind} done`).toBeGreaterThan(NUM_RUNS / 10);
      expect(outcomes.get(`${kind} refused`) ?? 0, `${kind} refused`).toBeGreaterThan(0);
    }
    // Reversals of reservation-fulfilling moves re-opened lines, also on closed reservations and beyond what a line lacked.
    for (const what of ['reopened', 'reopened a fulfilled reservation', 'reopened less than the move', 'released, not reopened']) {
      expect(outcomes.get(what) ?? 0, what).toBeGreaterThan(NUM_RUNS / 25);
    }
  }, 120_000);
});
