/**
 * The tooling BOM on a real SQLite file: every refusal names its field and changes nothing; the
 * tree nests molds, sub-molds and inserts with their life figures; a replacement swaps a worn
 * insert for a spare in one transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolingError } from './tooling-errors.ts';
import type { ToolingAssetInput } from './tooling-types.ts';
import { insert, openToolingWorld, seedPlant, type ToolingWorld } from './testing/tooling-fixture.ts';

describe('ToolingAssets', () => {
  let world: ToolingWorld;

  beforeEach(() => {
    world = openToolingWorld();
    seedPlant(world);
  });
  afterEach(() => world.close());

  const refusal = (input: ToolingAssetInput): ToolingError => {
    try {
      world.tooling.api.putAsset(input, 'test');
    } catch (error) {
      return error as ToolingError;
    }
    throw new Error(`${input.id} was accepted`);
  };

  it('refuses bad BOMs and bad figures, naming the field, and changes nothing', () => {
    const before = JSON.stringify(world.tooling.api.tree());
    const cases: Array<[ToolingAssetInput, string, string, RegExp]> = [
      [insert('INS-9', { parent: 'M-404' }), 'INVALID_INPUT', 'parent', /no asset "M-404"/],
      [{ id: 'M-100', kind: 'mold', serial: 'M100-2024-01', name: 'housing mold', parent: 'SM-1' }, 'INVALID_INPUT', 'parent', /a mold is the top/],
      [{ id: 'SM-1', kind: 'sub_mold', serial: 'SM1-01', name: 'core side', parent: 'SM-1' }, 'INVALID_INPUT', 'parent', /cycle/],
      [{ id: 'SM-2', kind: 'sub_mold', serial: 'SM2-01', name: 'x', parent: 'INS-0042' }, 'INVALID_INPUT', 'parent', /cannot hold a sub-mold/],
      [insert('INS-9', { status: 'in_service' }), 'INVALID_INPUT', 'parent', /in-service insert needs the mold/],
      [insert('INS-9', { parent: 'SM-1', status: 'spare' }), 'INVALID_INPUT', 'status', /spare insert sits in no mold/],
      [insert('INS-9', { lifeShots: 9000, warnAtShots: 9500 }), 'INVALID_INPUT', 'warnAtShots', /above the life of 9000/],
      [insert('INS-9', { lifeShots: null, warnAtShots: 10 }), 'INVALID_INPUT', 'warnAtShots', /needs a life/],
      [insert('INS-9', { cteUmPerMK: -1.2 }), 'INVALID_INPUT', 'cteUmPerMK', /-1.2 is not a thermal expansion coefficient/],
      [insert('INS-9', { lifeShots: 0 }), 'INVALID_INPUT', 'lifeShots', /> 0/],
      [insert('INS-9', { serial: 'SN-INS-0042' }), 'CONFLICT', 'serial', /serial of INS-0042/],
      [insert('INS-0042', { parent: 'SM-1', openingShots: 5 }), 'INVALID_INPUT', 'openingShots', /counted by the edge/],
      [{ ...insert('SM-1'), kind: 'insert' }, 'INVALID_INPUT', 'kind', /cannot change/],
      [insert('INS-9', { certificates: [{ number: 'C1', materialGrade: 'H13', supplier: 'x', issued: '2025-02-30' }] }), 'INVALID_INPUT', 'certificates.0.issued', /YYYY-MM-DD/],
      [insert('INS-9', { heatTreatment: { hardnessHrc: 95, temperingTemperatureC: 550, temperingCycles: 2, temperingHours: 2 } }), 'INVALID_INPUT', 'heatTreatment.hardnessHrc', /HRC/],
    ];
    for (const [input, code, field, message] of cases) {
      const error = refusal(input);
      expect(error, `${input.id} ${field}`).toBeInstanceOf(ToolingError);
      expect([error.code, error.field], error.message).toEqual([code, field]);
      expect(error.message).toMatch(message);
    }
    // A deeper cycle: M-100 > SM-1 > SM-X, then SM-1 into SM-X.
    world.tooling.api.putAsset({ id: 'SM-X', kind: 'sub_mold', serial: 'SMX', name: 'x', parent: 'SM-1' }, 'test');
    expect(refusal({ id: 'SM-1', kind: 'sub_mold', serial: 'SM1-01', name: 'core side', parent: 'SM-X' }).message).toMatch(/SM-X sits inside SM-1/);
    const after = world.tooling.api.tree().map((n) => ({ ...n, children: n.children.map((c) => ({ ...c, children: c.children.filter((g) => g.id !== 'SM-X') })) }));
    expect(JSON.stringify(after)).toBe(before);
  });

  it('nests the tree with life figures, the mother mold and the machine on every node', () => {
    const tree = world.tooling.api.tree();
    expect(tree.map((n) => n.id)).toEqual(['M-100', 'SM-9', 'INS-0107', 'INS-0110', 'INS-0200', 'INS-0300', 'INS-0400']);
    const sm1 = tree[0]!.children[0]!;
    expect(sm1.id).toBe('SM-1');
    const ins = sm1.children[0]!;
    expect(ins).toMatchObject({
      id: 'INS-0042', parent: 'SM-1', position: 'cavity-1', status: 'in_service', shots: 0, lifePct: 0, lifeState: 'ok', motherMold: 'M-100', machine: 'IMM-01',
      certificates: [{ number: 'C-3.1-7781', materialGrade: '1.2343 ESR', supplier: 'Uddeholm', issued: '2025-11-03', attachmentIds: [] }],
      heatTreatment: { hardnessHrc: 50, temperingTemperatureC: 560, temperingCycles: 2, temperingHours: 2 },
    });
    expect(tree.find((n) => n.id === 'INS-0400')).toMatchObject({ shots: 9000, lifePct: 100, lifeState: 'over_life', motherMold: null, machine: null });
    expect(tree.find((n) => n.id === 'INS-0107')).toMatchObject({ shots: 1000, lifePct: 11, lifeState: 'ok', status: 'spare', location: 'TOOL-ROOM/R3' });
  });

  it('keeps fields left out on an update and replaces the certificate list', () => {
    const updated = world.tooling.api.putAsset({ id: 'INS-0042', kind: 'insert', serial: 'SN-INS-0042', name: 'renamed', certificates: [] }, 'test');
    expect(updated).toMatchObject({ name: 'renamed', parent: 'SM-1', cteUmPerMK: 11.4, lifeShots: 9000, warnAtShots: 8500, certificates: [] });
  });

  it('refuses a replacement by anything but a spare of the same kind and part, changing nothing', () => {
    const { api } = world.tooling;
    expect(() => api.replace('INS-0042', { with: 'INS-0200' }, 't')).toThrow(/part number P-SLIDE-2, INS-0042 needs P-CAV-7/);
    expect(() => api.replace('INS-0042', { with: 'SM-9' }, 't')).toThrow(/same kind/);
    expect(() => api.replace('INS-0107', { with: 'INS-0110' }, 't')).toThrow(/sits in no mold/);
    expect(() => api.replace('INS-0042', { with: 'NOPE' }, 't')).toThrow(/no asset "NOPE"/);
    expect(api.asset('INS-0042')).toMatchObject({ parent: 'SM-1', status: 'in_service' });
    expect(api.asset('INS-0200')).toMatchObject({ parent: null, status: 'spare' });
  });
});
