import { describe, expect, it } from 'vitest';
import type { TagValue } from '../connectors/connector.ts';
import { ChangeFilter } from './change-filter.ts';

const read = (tag: string, value: TagValue['value'], ts: number, extra: Partial<TagValue> = {}): TagValue =>
  ({ device: 'shelf-sensors', tag, value, quality: 'good', ts, ...extra });
const values = (out: TagValue[]) => out.map((v) => v.value);

describe('ChangeFilter', () => {
  const deadbandOf = (_device: string, tag: string) => (tag === 'temperature' ? 0.05 : 0);

  it('reports the first value of every tag', () => {
    const filter = new ChangeFilter({ deadbandOf });
    expect(filter.filter([read('temperature', 4, 0), read('door', false, 0)])).toHaveLength(2);
  });

  it('holds back numeric moves within the deadband and reports moves beyond it', () => {
    const filter = new ChangeFilter({ deadbandOf });
    filter.filter([read('temperature', 4.0, 0)]);
    expect(filter.filter([read('temperature', 4.04, 1)])).toEqual([]);
    expect(filter.filter([read('temperature', 3.96, 2)])).toEqual([]);
    expect(values(filter.filter([read('temperature', 4.1, 3)]))).toEqual([4.1]);
  });

  it('compares with the last reported value, so slow drift is reported', () => {
    const filter = new ChangeFilter({ deadbandOf });
    filter.filter([read('temperature', 4.0, 0)]);
    const reported = [4.03, 4.06, 4.09, 4.12].flatMap((v, i) => values(filter.filter([read('temperature', v, i + 1)])));
    expect(reported).toEqual([4.06, 4.12]);
  });

  it('with a zero deadband reports every change and no repeat', () => {
    const filter = new ChangeFilter({ deadbandOf });
    filter.filter([read('samples', 10, 0)]);
    expect(filter.filter([read('samples', 10, 1)])).toEqual([]);
    expect(values(filter.filter([read('samples', 11, 2)]))).toEqual([11]);
  });

  it('reports booleans and strings on change only', () => {
    const filter = new ChangeFilter({ deadbandOf });
    filter.filter([read('door', false, 0), read('mode', 'auto', 0)]);
    expect(filter.filter([read('door', false, 1), read('mode', 'auto', 1)])).toEqual([]);
    expect(values(filter.filter([read('door', true, 2), read('mode', 'manual', 2)]))).toEqual([true, 'manual']);
  });

  it('reports a quality change even when the value did not move', () => {
    const filter = new ChangeFilter({ deadbandOf });
    filter.filter([read('temperature', 4, 0)]);
    expect(filter.filter([read('temperature', 4, 1, { quality: 'uncertain' })])).toHaveLength(1);
    expect(filter.filter([read('temperature', null, 2, { quality: 'bad', error: 'LINK_DOWN' })])).toHaveLength(1);
    expect(filter.filter([read('temperature', null, 3, { quality: 'bad', error: 'LINK_DOWN' })])).toEqual([]);
    expect(filter.filter([read('temperature', null, 4, { quality: 'bad', error: 'TIMEOUT' })])).toHaveLength(1);
    expect(filter.filter([read('temperature', 4, 5)])).toHaveLength(1);
  });

  it('sends a heartbeat of an unchanged value every heartbeatMs', () => {
    const filter = new ChangeFilter({ deadbandOf, heartbeatMs: 60_000 });
    filter.filter([read('temperature', 4, 0)]);
    expect(filter.filter([read('temperature', 4, 59_999)])).toEqual([]);
    expect(filter.filter([read('temperature', 4, 60_000)])).toHaveLength(1);
    expect(filter.filter([read('temperature', 4, 119_999)])).toEqual([]);
    expect(filter.filter([read('temperature', 4, 120_000)])).toHaveLength(1);
  });

  it('reports everything again after a reset', () => {
    const filter = new ChangeFilter({ deadbandOf });
    filter.filter([read('temperature', 4, 0)]);
    filter.reset('shelf-sensors');
    expect(filter.filter([read('temperature', 4, 1)])).toHaveLength(1);
  });
});
