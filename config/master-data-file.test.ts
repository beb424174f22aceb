import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyDevicePassword } from '../devices/device-credentials.ts';
import { hashDevicePassword } from '../devices/device-credentials.ts';
import { ConfigError } from './config-error.ts';
import { gtinCheckDigitOk, masterRecordsOf, readMasterDataFile, seedPermissionsOf, utcDatePlusDays } from './master-data-file.ts';
import { deviceRecord, lotRecord, masterRecordSchemas } from './master-data-schema.ts';

const demoFile = fileURLToPath(new URL('./examples/demo-plant.master-data.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'edgestock-master-data-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function fileWith(text: string): string {
  const path = join(dir, `site-${n++}.master-data.yaml`);
  writeFileSync(path, text);
  return path;
}

function problemsOf(path: string): Array<{ path: string; message: string }> {
  try {
    readMasterDataFile(path, { env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

const GOOD = `
permissions:
  warehouse_operator: [scans.perform]
categories:
  - { id: dairy, name: Dairy }
items:
  - { gtin: "06901234000016", sku: MILK-1L, name: Milk, category: dairy, temperatureC: { min: 2, max: 8 } }
lots:
  - { gtin: "06901234000016", batch: M1, expiry: "2031-01-31" }
  - { gtin: "06901234000016", batch: M2, expiresInDays: 45 }
  - { gtin: "06901234000016", batch: M3, expiresInDays: -3, status: quarantined, reason: recalled }
locations:
  - { code: B10, temperatureTag: shelf-sensors/B10/temperature, temperatureC: { min: 2, max: 8 } }
operators:
  - { id: op-anna, name: Anna, roles: [warehouse_operator] }
stock:
  - { gtin: "06901234000016", batch: M2, location: B10, qty: 12 }
devices:
  - { id: pda-01, kind: pda, password: "\${PDA_01_PASSWORD:-pda-01-demo}" }
  - { id: pda-02, kind: pda, passwordHash: "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }
`;

describe('readMasterDataFile', () => {
  it('reads a good file, counting expiresInDays from the UTC day it is loaded', () => {
    const file = readMasterDataFile(fileWith(GOOD), { now: Date.UTC(2026, 1, 20, 23, 59), env: {} });
    expect(file.lots.map((l) => [l.batch, l.expiry, l.status])).toEqual([
      ['M1', '2031-01-31', 'released'], ['M2', '2026-04-06', 'released'], ['M3', '2026-02-17', 'quarantined'],
    ]);
    expect(file.lots.every((l) => !('expiresInDays' in l))).toBe(true);
    expect(file.categories[0]!.nearExpiryDays).toBe(60);
    expect(Object.isFrozen(file.lots[0])).toBe(true);
    expect(file.devices[0]!.password).toBe('pda-01-demo');
    expect(readMasterDataFile(fileWith(GOOD), { env: { PDA_01_PASSWORD: 'from-the-environment' } }).devices[0]!.password).toBe('from-the-environment');
  });

  it('reports schema problems at their paths', () => {
    const bad = GOOD
      .replace('expiry: "2031-01-31"', 'expiry: "31.01.2031"')
      .replace('batch: M2, expiresInDays: 45', 'batch: M2, expiresInDays: 45, expiry: "2031-01-01"')
      .replace('kind: pda, password: "${PDA_01_PASSWORD:-pda-01-demo}"', 'kind: scanner, password: short');
    const problems = problemsOf(fileWith(bad));
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['lots[0].expiry', 'lots[1].expiry', 'devices[0].kind', 'devices[0].password']));
    expect(problems.find((p) => p.path === 'lots[0].expiry')!.message).toContain('expected a date as YYYY-MM-DD');
    expect(problems.find((p) => p.path === 'lots[1].expiry')!.message).toContain('give exactly one of expiry and expiresInDays');
  });

  it('reports every broken reference, duplicate and check digit at once', () => {
    const bad = `
categories:
  - { id: dairy, name: Dairy }
items:
  - { gtin: "06901234000017", sku: BAD, name: Bad check digit, category: dairy }
  - { gtin: "06901234000016", sku: MILK-1L, name: Milk, category: chilled }
lots:
  - { gtin: "06901234000023", batch: Y1, expiry: "2031-01-01" }
  - { gtin: "06901234000016", batch: M1, expiry: "2031-02-01" }
  - { gtin: "06901234000016", batch: M1, expiresInDays: 10 }
  - { gtin: "06901234000016", batch: M2, expiresInDays: 10, status: quarantined }
locations:
  - { code: B10 }
stock:
  - { gtin: "06901234000016", batch: M9, location: B10, qty: 1 }
  - { gtin: "06901234000016", batch: M2, location: B99, qty: 1 }
  - { gtin: "06901234000016", batch: M2, location: B99, qty: 2 }
`;
    const problems = problemsOf(fileWith(bad));
    expect(problems).toEqual(expect.arrayContaining([
      { path: 'items[0].gtin', message: 'check digit of "06901234000017" should be 6; copy the GTIN from the label' },
      { path: 'items[1].category', message: 'unknown category "chilled"; known: dairy' },
      { path: 'lots[0].gtin', message: 'no item has GTIN "06901234000023"; add it to items or correct the GTIN' },
      { path: 'lots[2].batch', message: 'lot "06901234000016/M1" is already defined at lots[1]; give each one once' },
      { path: 'stock[0].batch', message: 'no lot "M9" of GTIN 06901234000016; add it to lots or correct the batch' },
      { path: 'stock[1].location', message: 'unknown location "B99"; known: B10' },
      { path: 'stock[2].location', message: expect.stringContaining('is already defined at stock[1]') },
    ]));
    expect(problems.map((p) => p.path)).toContain('lots[3].reason');
    expect(problems).toHaveLength(9);   // stock[2] both repeats stock[1] and names an unknown shelf
  });

  it('says what is wrong with a file that is missing or not YAML', () => {
    expect(problemsOf(join(dir, 'nothing-here.yaml'))[0]!.message).toMatch(/cannot read the file \(ENOENT\)/);
    expect(problemsOf(fileWith('items: [\n  { gtin: '))[0]!.message).toMatch(/^YAML syntax/);
    expect(problemsOf(fileWith('pallets: []'))[0]).toMatchObject({ path: '', message: expect.stringContaining('"pallets"') });
  });

  it('loads the demo file without a problem, with near-expiry, expired and quarantined lots', () => {
    const today = Date.UTC(2026, 5, 1);
    const file = readMasterDataFile(demoFile, { now: today });
    const daysLeft = (expiry: string) => Math.round((Date.parse(expiry) - today) / 86_400_000);
    const nearExpiryDays = new Map(file.categories.map((c) => [c.id, c.nearExpiryDays]));
    const categoryOf = new Map(file.items.map((i) => [i.gtin, i.category]));
    const near = file.lots.filter((l) => { const left = daysLeft(l.expiry!); return left >= 0 && left < nearExpiryDays.get(categoryOf.get(l.gtin)!)!; });
    expect(near.length).toBeGreaterThanOrEqual(4);
    expect(file.lots.filter((l) => daysLeft(l.expiry!) < 0).map((l) => l.batch)).toEqual(['B2403']);
    expect(file.lots.filter((l) => l.status === 'quarantined').map((l) => l.batch)).toEqual(['I2402']);
    expect(file.items.every((i) => gtinCheckDigitOk(i.gtin))).toBe(true);
    expect(file.items.filter((i) => !i.temperatureC).map((i) => i.sku)).toEqual(['PARA-500']);
    expect(file.locations.map((l) => l.code)).toEqual(['B10', 'B11', 'B12', 'B13', 'B14', 'B15', 'B16', 'B17', 'A01', 'A02', 'A03', 'A04', 'RECV-01']);
    expect(file.locations.find((l) => l.code === 'B12')).toMatchObject({ temperatureTag: 'shelf-sensors/B12/temperature', humidityTag: 'shelf-sensors/B12/humidity', temperatureC: { min: 2, max: 8 }, humidityPct: { min: 30, max: 90 } });
    // FEFO has a choice: some item's lots lie on more than one shelf.
    const shelvesOf = new Map<string, Set<string>>();
    for (const row of file.stock) shelvesOf.set(row.gtin, (shelvesOf.get(row.gtin) ?? new Set()).add(row.location));
    expect([...shelvesOf.values()].filter((s) => s.size > 1).length).toBeGreaterThanOrEqual(3);
    expect(file.operators.map((o) => [o.id, o.roles])).toEqual([
      ['op-anna', ['warehouse_operator']], ['op-li', ['warehouse_operator']],
      ['op-chen', ['warehouse_operator', 'sales']], ['op-wang', ['warehouse_operator', 'plant_engineer']],
    ]);
    expect(seedPermissionsOf(file)).toEqual({
      warehouse_operator: ['scans.perform'],
      sales: ['override.force_ship_near_expiry', 'scans.perform'],
      plant_engineer: ['override.putaway_on_alarm_shelf', 'scans.perform'],
    });
  });
});

describe('masterRecordsOf', () => {
  it('gives every record its kind and key, valid by its record schema, with device passwords hashed', async () => {
    const file = readMasterDataFile(demoFile, { now: Date.UTC(2026, 5, 1) });
    const records = await masterRecordsOf(file, hashDevicePassword);
    expect(records).toHaveLength(3 + 8 + 18 + 13 + 4 + 18 + 4);
    for (const record of records) expect(masterRecordSchemas[record.kind].safeParse(record.value).success, `${record.kind} ${record.key}`).toBe(true);
    expect(records.find((r) => r.kind === 'lot' && r.key === '06901234000030/B2403')!.value).toEqual(lotRecord.parse({ gtin: '06901234000030', batch: 'B2403', expiry: '2026-05-29' }));
    const devices = records.filter((r) => r.kind === 'device').map((r) => deviceRecord.parse(r.value));
    expect(devices.map((d) => d.id)).toEqual(['pda-01', 'pda-02', 'pda-03', 'sensor-b18']);
    expect(devices.every((d) => !('password' in d))).toBe(true);
    expect(await verifyDevicePassword('pda-02-demo', devices[1]!.passwordHash)).toBe(true);
    expect(await verifyDevicePassword('sensor-b18-demo', devices[3]!.passwordHash)).toBe(true);
    expect(await verifyDevicePassword('pda-01-demo', devices[1]!.passwordHash)).toBe(false);
  });

  it('keeps a given hash and counts a leftover expiresInDays from now', async () => {
    const file = readMasterDataFile(fileWith(GOOD), { env: {} });
    const raw = { ...file, lots: [{ gtin: '06901234000016', batch: 'M7', status: 'released' as const, expiresInDays: 10 }] };
    const records = await masterRecordsOf(raw, async () => 'never-called-for-a-hash', Date.UTC(2030, 0, 1));
    expect(records.find((r) => r.kind === 'lot')!.value).toMatchObject({ batch: 'M7', expiry: '2030-01-11' });
    const pda02 = records.find((r) => r.kind === 'device' && r.key === 'pda-02')!.value;
    expect(pda02).toMatchObject({ passwordHash: file.devices[1]!.passwordHash });
    expect(records.find((r) => r.key === 'pda-01')!.value).toMatchObject({ passwordHash: 'never-called-for-a-hash' });
  });
});

describe('helpers', () => {
  it('checks GS1 check digits and counts UTC days', () => {
    expect(gtinCheckDigitOk('09506000134352')).toBe(true);          // GS1's own example GTIN
    expect(gtinCheckDigitOk('09506000134353')).toBe(false);
    expect(gtinCheckDigitOk('4006381333931')).toBe(true);
    expect(utcDatePlusDays(Date.UTC(2024, 1, 28, 23), 1)).toBe('2024-02-29');
    expect(utcDatePlusDays(Date.UTC(2024, 0, 1), -1)).toBe('2023-12-31');
  });
});
