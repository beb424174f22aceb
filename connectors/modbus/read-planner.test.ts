import { describe, expect, it } from 'vitest';
import { parseModbusAddress } from './modbus-address.ts';
import { planReads, type PlannedTag } from './read-planner.ts';

function tags(spec: Record<string, string>): PlannedTag[] {
  return Object.entries(spec).map(([name, text]) => {
    const parsed = parseModbusAddress(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return { name, address: parsed.address };
  });
}

const limits = { maxRegistersPerRead: 125, maxGapRegisters: 0 };

describe('planReads', () => {
  it('merges adjacent registers into one request', () => {
    expect(planReads(tags({ a: 'ir:0', b: 'ir:1', c: 'ir:2:float32' }), limits)).toEqual([
      { area: 'ir', start: 0, count: 4, items: [{ tag: 'a', index: 0, width: 1 }, { tag: 'b', index: 1, width: 1 }, { tag: 'c', index: 2, width: 2 }] },
    ]);
  });

  it('reads across a gap no larger than maxGapRegisters and splits at a larger one', () => {
    const t = tags({ a: 'hr:0', b: 'hr:10:uint32', c: 'hr:20:float64' });
    expect(planReads(t, { maxRegistersPerRead: 125, maxGapRegisters: 8 }).map((r) => [r.start, r.count])).toEqual([[0, 1], [10, 14]]);
    expect(planReads(t, { maxRegistersPerRead: 125, maxGapRegisters: 9 }).map((r) => [r.start, r.count])).toEqual([[0, 24]]);
    expect(planReads(t, { maxRegistersPerRead: 125, maxGapRegisters: 0 }).map((r) => [r.start, r.count])).toEqual([[0, 1], [10, 2], [20, 4]]);
  });

  it('serves two tags on the same registers from one read', () => {
    const plan = planReads(tags({ raw: 'hr:4:uint32', asFloat: 'hr:4:float32', low: 'hr:5' }), limits);
    expect(plan).toEqual([{
      area: 'hr', start: 4, count: 2,
      items: [{ tag: 'raw', index: 0, width: 2 }, { tag: 'asFloat', index: 0, width: 2 }, { tag: 'low', index: 1, width: 1 }],
    }]);
  });

  it('sorts by offset whatever the configuration order', () => {
    const plan = planReads(tags({ c: 'ir:2', a: 'ir:0', b: 'ir:1' }), limits);
    expect(plan[0]!.items.map((i) => [i.tag, i.index])).toEqual([['a', 0], ['b', 1], ['c', 2]]);
  });

  it('never builds a register request larger than 125', () => {
    const spec = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`r${i}`, `hr:${i}`]));
    const plan = planReads(tags(spec), { maxRegistersPerRead: 125, maxGapRegisters: 8 });
    expect(plan.map((r) => [r.start, r.count])).toEqual([[0, 125], [125, 5]]);
    expect(plan[1]!.items[0]).toEqual({ tag: 'r125', index: 0, width: 1 });
  });

  it('fills a request to exactly 125 registers with a multi-register value', () => {
    const spec: Record<string, string> = Object.fromEntries(Array.from({ length: 123 }, (_, i) => [`r${i}`, `ir:${i}`]));
    const plan = planReads(tags({ ...spec, f: 'ir:123:float32' }), limits);
    expect(plan.map((r) => [r.start, r.count])).toEqual([[0, 125]]);
    expect(plan[0]!.items.at(-1)).toEqual({ tag: 'f', index: 123, width: 2 });
  });

  it('starts a new request when a multi-register value would cross the 125 boundary', () => {
    const spec: Record<string, string> = Object.fromEntries(Array.from({ length: 124 }, (_, i) => [`r${i}`, `ir:${i}`]));
    const plan = planReads(tags({ ...spec, f: 'ir:124:float32', d: 'ir:125:float64' }), limits);
    expect(plan.map((r) => [r.start, r.count])).toEqual([[0, 124], [124, 5]]);
    expect(plan[1]!.items).toEqual([{ tag: 'f', index: 0, width: 2 }, { tag: 'd', index: 1, width: 4 }]);
  });

  it('honours a device limit below the protocol maximum', () => {
    const spec = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`r${i}`, `ir:${i}`]));
    expect(planReads(tags(spec), { maxRegistersPerRead: 4, maxGapRegisters: 0 }).map((r) => [r.start, r.count])).toEqual([[0, 4], [4, 4], [8, 2]]);
  });

  it('keeps areas apart and orders requests co, di, ir, hr', () => {
    const plan = planReads(tags({ h: 'hr:0', i: 'ir:0', d: 'di:0', c: 'co:0' }), limits);
    expect(plan.map((r) => r.area)).toEqual(['co', 'di', 'ir', 'hr']);
  });

  it('reads up to 2000 bits per request and allows 16 bits per gap register', () => {
    const spec = Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`c${i}`, `co:${i}`]));
    expect(planReads(tags(spec), limits).map((r) => [r.start, r.count])).toEqual([[0, 2000], [2000, 1]]);
    const gappy = tags({ a: 'di:0', b: 'di:17', c: 'di:40' });
    expect(planReads(gappy, { maxRegistersPerRead: 125, maxGapRegisters: 1 }).map((r) => [r.start, r.count])).toEqual([[0, 18], [40, 1]]);
  });

  it('returns no requests for no tags', () => {
    expect(planReads([], limits)).toEqual([]);
  });

  it('plans the demo plant in four requests per poll', () => {
    const demo: Record<string, string> = { f32: 'ir:100:float32', samples: 'hr:10:uint32' };
    for (let i = 0; i < 8; i++) {
      Object.assign(demo, { [`t${i}`]: `ir:${2 * i}`, [`h${i}`]: `ir:${2 * i + 1}`, [`door${i}`]: `co:${i}`, [`alarm${i}`]: `di:${i}` });
    }
    const plan = planReads(tags(demo), { maxRegistersPerRead: 125, maxGapRegisters: 8 });
    expect(plan.map((r) => `${r.area}:${r.start}x${r.count}`)).toEqual(['co:0x8', 'di:0x8', 'ir:0x16', 'ir:100x2', 'hr:10x2']);
  });
});
