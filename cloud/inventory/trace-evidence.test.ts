/**
 * Cold-chain evidence in the lot trace from the real parts: the master-data store names each
 * shelf's sensor tag and range, a real telemetry store file holds the readings (two gateways,
 * a bad-quality reading), and the trace reports per stay the readings and the excursions while
 * the lot was there, not before it came nor after it left. The excursion rule itself: maximal
 * runs outside the range, ended by the first reading back inside.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteMasterDataStore } from '../masterdata/master-data-store.ts';
import { openTelemetryStore, type TelemetryPoint, type TelemetryStore } from '../store/telemetry-store.ts';
import { LotTrace } from './lot-trace.ts';
import { excursionsIn } from './temperature-excursions.ts';
import { DAY, DAY1, openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';
import { temperatureEvidence } from './trace-evidence.ts';

const MIN = 60_000;
const at = (minutes: number) => DAY1 + minutes * MIN;

describe('temperature excursions in a run of readings', () => {
  const range = { min: 2, max: 8 };

  it('makes one excursion of each maximal run outside, ended by the first reading back inside, with the reading furthest out', () => {
    const points: Array<[number, number]> = [[at(0), 5], [at(10), 9], [at(20), 11.5], [at(30), 8.5], [at(40), 7], [at(50), 1], [at(60), -0.5], [at(70), 4]];
    expect(excursionsIn(points, range)).toEqual([
      { start: at(10), end: at(40), worst: 11.5, minutes: 30, samples: 3, ongoing: false },
      { start: at(50), end: at(70), worst: -0.5, minutes: 20, samples: 2, ongoing: false },
    ]);
  });

  it('keeps a run still outside at the last reading as ongoing, ending at that reading', () => {
    expect(excursionsIn([[at(0), 4], [at(5), 8.1], [at(15), 9]], range)).toEqual([{ start: at(5), end: at(15), worst: 9, minutes: 10, samples: 2, ongoing: true }]);
  });

  it('finds none in range (the limits themselves are inside) or without readings', () => {
    expect(excursionsIn([[at(0), 2], [at(1), 8], [at(2), 5]], range)).toEqual([]);
    expect(excursionsIn([], range)).toEqual([]);
  });
});

describe('trace evidence from master data and the telemetry store', () => {
  let f: InventoryFixture;
  let telemetry: TelemetryStore;
  let trace: LotTrace;

  const reading = (edge: string, tag: string, minutes: number, value: number, quality: TelemetryPoint['quality'] = 'good'): TelemetryPoint =>
    ({ group: 'demo-plant', edge, device: 'shelf-sensors', tag, value, quality, ts: at(minutes) });

  beforeAll(() => {
    f = openInventoryFixture({ start: DAY1 + DAY });
    const masterData = new SqliteMasterDataStore(f.db, f.clock);
    const by = { by: 'test' };
    masterData.put('location', { code: 'B10', temperatureTag: 'shelf-sensors/B10/temperature', temperatureC: { min: 2, max: 8 } }, by);
    masterData.put('location', { code: 'B11', temperatureTag: 'shelf-sensors/B11/temperature', temperatureC: { min: 2, max: 8 } }, by);
    masterData.put('location', { code: 'A01' }, by); // ambient: no sensor, no evidence
    telemetry = openTelemetryStore(join(f.dir, 'telemetry.sqlite'));
    telemetry.insertSamples([
      reading('gw-1', 'B10/temperature', 0, 12), // before the lot came: not its evidence
      reading('gw-1', 'B10/temperature', 70, 5),
      reading('gw-1', 'B10/temperature', 80, 9.5),
      reading('gw-2', 'B10/temperature', 85, 10.5), // a second gateway reports the same sensor
      reading('gw-1', 'B10/temperature', 90, 30, 'bad'), // the sensor could not be read: not a measurement
      reading('gw-1', 'B10/temperature', 100, 6),
      reading('gw-1', 'B10/temperature', 200, 4),
      reading('gw-1', 'B10/temperature', 400, 15), // after the lot left B10
      reading('gw-1', 'B11/temperature', 310, 3),
      reading('gw-1', 'B11/temperature', 320, 1.5),
    ]);
    f.receive({ sku: SKU.milk, lot: 'T1', expiry: '2026-03-20', qty: 10, to: 'RECV', effectiveAt: at(50) });
    const move = (qty: number, from: string, to: string, minutes: number) =>
      f.ledger.post([{ sku: SKU.milk, lot: 'T1', qty, from, to, reason: 'transfer', effectiveAt: at(minutes) }], { actor: 'test' });
    move(10, 'RECV', 'B10', 60);
    move(6, 'B10', 'B11', 300);
    move(4, 'B10', 'A01', 350);
    trace = new LotTrace(f.db, f.clock, { temperatureOf: temperatureEvidence({ locations: masterData, telemetry }) });
  });

  afterAll(() => {
    telemetry?.close();
    f?.close();
  });

  it('reports per monitored stay the readings while the lot was there and their excursions', () => {
    const result = trace.trace(SKU.milk, 'T1')!;
    expect(result.temperatureEvidence).toBe(true);
    expect(result.stays.map((s) => [s.location, s.from, s.to])).toEqual([['RECV', at(50), at(60)], ['B10', at(60), at(350)], ['B11', at(300), null], ['A01', at(350), null]]);
    expect(result.excursions).toEqual([
      {
        location: 'B10', from: at(60), to: at(350), unit: '°C', range: { min: 2, max: 8 }, samples: 5, min: 4, max: 10.5,
        excursions: [{ start: at(80), end: at(100), worst: 10.5, minutes: 20, samples: 2, ongoing: false }],
      },
      {
        location: 'B11', from: at(300), to: null, unit: '°C', range: { min: 2, max: 8 }, samples: 2, min: 1.5, max: 3,
        excursions: [{ start: at(320), end: at(320), worst: 1.5, minutes: 0, samples: 1, ongoing: true }],
      },
    ]);
  });

  it('has no evidence for a location without a sensor tag or not in master data', () => {
    const evidence = temperatureEvidence({ locations: new SqliteMasterDataStore(f.db, f.clock), telemetry });
    expect(evidence('A01', at(0), at(500))).toBeUndefined();
    expect(evidence('RECV', at(0), at(500))).toBeUndefined();
    expect(evidence('B10', at(0), at(500))?.points).toHaveLength(7);
  });
});
