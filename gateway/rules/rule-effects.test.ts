import { describe, expect, it } from 'vitest';
import { SqliteLocationBlocks } from './location-blocks.ts';
import { carryOut, ruleEventId, type EffectContext } from './rule-effects.ts';

function context(writeTag: EffectContext['writeTag'] = async () => {}): EffectContext & { blocks: SqliteLocationBlocks } {
  return { pack: 'demo-plant', rule: 'cold-chain-b12', nowMs: 1000, blocks: new SqliteLocationBlocks(':memory:'), writeTag };
}

describe('carryOut', () => {
  it('sets a block in the list and removes it on the release of the same rule', async () => {
    const c = context();
    expect(await carryOut({ kind: 'block', operation: 'put-away', location: 'B12' }, c)).toEqual({ outcome: 'done' });
    expect(c.blocks.list()).toEqual([{ operation: 'put-away', location: 'B12', pack: 'demo-plant', rule: 'cold-chain-b12', since: 1000 }]);
    expect(await carryOut({ kind: 'block', operation: 'put-away', location: 'B12', released: true }, c)).toEqual({ outcome: 'done' });
    expect(c.blocks.list()).toEqual([]);
    c.blocks.close();
  });

  it('writes a tag through the given write and reports the device\'s refusal as failed', async () => {
    const writes: unknown[] = [];
    const ok = context(async (device, tag, value) => { writes.push([device, tag, value]); });
    expect(await carryOut({ kind: 'writeTag', device: 'shelf-sensors', tag: 'B12/setpoint', value: 4 }, ok)).toEqual({ outcome: 'done' });
    expect(writes).toEqual([['shelf-sensors', 'B12/setpoint', 4]]);
    const refusing = context(async () => { throw new Error('illegal data value'); });
    expect(await carryOut({ kind: 'writeTag', device: 'shelf-sensors', tag: 'B12/setpoint', value: 99 }, refusing)).toEqual({ outcome: 'failed', error: 'illegal data value' });
  });

  it('refuses to write text to a device, saying what to change', async () => {
    const outcome = await carryOut({ kind: 'writeTag', device: 'weld-cell', tag: 'G1/cap-id', value: 'C-17' }, context());
    expect(outcome).toEqual({ outcome: 'failed', error: expect.stringMatching(/connectors write numbers and booleans; make the glossary term a number or boolean/) });
  });

  it('leaves alerts, requests, reservations, approvals and recommendations to the cloud: done once reported', async () => {
    for (const effect of [
      { kind: 'alert', role: 'qa' }, { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, { kind: 'reserve', station: 'W3' },
      { kind: 'startApproval', flow: 're-melt' }, { kind: 'recommend', recommendation: 'ship-first' },
    ] as const) expect(await carryOut(effect, context())).toEqual({ outcome: 'done' });
  });
});

describe('ruleEventId', () => {
  it('names pack, version, rule, effect run and effect index, so the same decision gets the same id', () => {
    expect(ruleEventId('active', 'demo-plant', 3, 'cold-chain-b12', 7, 1)).toBe('rule-demo-plant-v3-cold-chain-b12-r7-1');
    expect(ruleEventId('shadow', 'demo-plant', 4, 'cold-chain-b12', 7, 1)).toBe('shadow-demo-plant-v4-cold-chain-b12-r7-1');
  });

  it('hashes an id that would be too long or hold spaces, still the same for the same cause', () => {
    const long = ruleEventId('active', 'p'.repeat(64), 1, 'r'.repeat(64), 1, 0);
    expect(long).toMatch(/^rule-[0-9a-f]{40}$/);
    expect(ruleEventId('active', 'p'.repeat(64), 1, 'r'.repeat(64), 1, 0)).toBe(long);
    expect(ruleEventId('active', 'p'.repeat(64), 1, 'r'.repeat(64), 2, 0)).not.toBe(long);
    expect(ruleEventId('active', 'demo', 1, 'has space', 1, 0)).toMatch(/^rule-[0-9a-f]{40}$/);
  });
});
