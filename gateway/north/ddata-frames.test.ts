import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload } from '../../connectors/sparkplug/index.ts';
import type { OutboxRecord } from '../outbox/outbox.ts';
import { dbirthPayload } from './birth-payloads.ts';
import { buildDdataFrames } from './ddata-frames.ts';
import { MetricCatalog } from './metric-catalog.ts';

const devices = [{
  name: 'shelves',
  protocol: 'modbus',
  tags: [{ name: 'B10/temperature', datatype: 'Double' as const, unit: '°C' }, { name: 'samples', datatype: 'UInt16' as const }],
}];
const catalog = new MetricCatalog(devices);
const t0 = 1_700_000_000_000;
const options = { maxMetricsPerFrame: 50, historical: false };

function record(seq: number, partial: Partial<OutboxRecord>): OutboxRecord {
  return { seq, kind: 'sample', device: 'shelves', tag: 'B10/temperature', value: 4.5, quality: 'good', ts: t0 + seq, ...partial };
}

/** The metrics as a host decodes them off the wire. */
function onTheWire(records: OutboxRecord[]) {
  const { frames } = buildDdataFrames(records, catalog, options);
  return frames.flatMap((frame) => decodePayload(encodePayload({ timestamp: t0, seq: 1, metrics: frame.metrics })).metrics);
}

describe('buildDdataFrames', () => {
  it('sends a bad reading with Quality 0 and its errorCode', () => {
    const [metric] = onTheWire([record(1, { value: null, quality: 'bad', error: 'LINK_DOWN' })]);
    expect(metric).toMatchObject({ isNull: true });
    expect(metric.properties).toEqual({ Quality: { type: 'Int32', value: 0 }, errorCode: { type: 'String', value: 'LINK_DOWN' } });
  });

  it('sends an uncertain reading with Quality 500 and its errorCode', () => {
    const [metric] = onTheWire([record(1, { value: 4.5, quality: 'uncertain', error: 'TIMEOUT' })]);
    expect(metric).toMatchObject({ value: 4.5 });
    expect(metric.properties).toEqual({ Quality: { type: 'Int32', value: 500 }, errorCode: { type: 'String', value: 'TIMEOUT' } });
  });

  it('sends a bad reading without a code with Quality alone', () => {
    const [metric] = onTheWire([record(1, { value: null, quality: 'bad' })]);
    expect(metric.properties).toEqual({ Quality: { type: 'Int32', value: 0 } });
  });

  it('sends a good reading without Quality or errorCode, even if the record carries a stale code', () => {
    const [plain, withStaleCode] = onTheWire([record(1, { value: 5 }), record(2, { value: 6, error: 'TIMEOUT' })]);
    expect(plain.properties).toBeUndefined();
    expect(withStaleCode.properties).toBeUndefined();
  });

  it('names OUT_OF_RANGE when a value does not fit its datatype', () => {
    const { unfit } = buildDdataFrames([record(1, { tag: 'samples', value: 70_000 })], catalog, options);
    expect(unfit).toBe(1);
    const [metric] = onTheWire([record(1, { tag: 'samples', value: 70_000 })]);
    expect(metric).toMatchObject({ isNull: true });
    expect(metric.properties).toEqual({ Quality: { type: 'Int32', value: 0 }, errorCode: { type: 'String', value: 'OUT_OF_RANGE' } });
  });
});

describe('buildDdataFrames lanes and kinds', () => {
  it('flags every metric of a replayed (historical) batch isHistorical, and none of a live one', () => {
    const records = [record(1, {}), record(2, { tag: 'samples', value: 3 })];
    const wire = (historical: boolean) => buildDdataFrames(records, catalog, { ...options, historical }).frames
      .flatMap((frame) => decodePayload(encodePayload({ timestamp: t0, seq: 1, metrics: frame.metrics })).metrics);
    expect(wire(true).map((m) => m.isHistorical)).toEqual([true, true]);
    expect(wire(false).map((m) => m.isHistorical ?? false)).toEqual([false, false]);
  });

  it('leaves event records out of the frames without counting them unroutable', () => {
    const batch = buildDdataFrames([record(1, {}), record(2, { kind: 'event', device: 'ack', tag: 'c-1', value: '{}' }), record(3, { device: 'nope' })], catalog, options);
    expect(batch).toMatchObject({ points: 1, unroutable: 1 });
  });
});

describe('dbirthPayload', () => {
  it('carries the errorCode of a current value that is bad', () => {
    const [device] = catalog.devices();
    const payload = dbirthPayload({
      device, catalog, seq: 1, timestamp: t0,
      current: (_device, tag) => (tag === 'B10/temperature'
        ? { device: 'shelves', tag, value: null, quality: 'bad', ts: t0, error: 'DEVICE_EXCEPTION' }
        : { device: 'shelves', tag, value: 7, quality: 'good', ts: t0 }),
    });
    const byName = new Map(decodePayload(encodePayload(payload)).metrics.map((m) => [m.name, m]));
    expect(byName.get('B10/temperature')!.properties).toEqual({
      Quality: { type: 'Int32', value: 0 },
      errorCode: { type: 'String', value: 'DEVICE_EXCEPTION' },
      engUnit: { type: 'String', value: '°C' },
      protocol: { type: 'String', value: 'modbus' },
    });
    expect(byName.get('samples')!.properties).toEqual({ protocol: { type: 'String', value: 'modbus' } });
  });
});
