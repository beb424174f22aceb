import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { TIA_IMPORT_BODY_LIMIT_BYTES } from './tia-import.ts';

const dbSource = (name: string) => readFileSync(new URL(`../../../simulators/s7/db-sources/${name}`, import.meta.url), 'utf8');

let cloud: TestCloud;
let engineer: LoggedIn;
beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  engineer = await cloud.login('engineer');
}, 30_000);
afterAll(async () => {
  await cloud?.close();
});

const importDb = (payload: unknown, as: LoggedIn = engineer) => as.inject({ method: 'POST', url: '/api/tia-import', payload: payload as object });

describe('POST /api/tia-import', () => {
  it('lays out a DB with an array of structs holding a nested struct and an array, as DB-MAP.md documents it', async () => {
    const response = await importDb({ source: dbSource('IMM_Data.db'), dbNumber: 1 });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ blockName: 'IMM_Data', dbNumber: 1, sizeBytes: 88, skipped: [] });
    expect(body.tags).toHaveLength(26);
    expect(body.tags[0]).toEqual({ name: 'Machine[1].ShotCounter', address: 'DB1,DINT0', type: 'DINT', declaredType: 'DInt' });
    const byName = Object.fromEntries(body.tags.map((tag: { name: string; address: string }) => [tag.name, tag.address]));
    expect(byName).toMatchObject({
      'Machine[1].MoldId': 'DB1,STRING4.16',
      'Machine[1].DoorClosed': 'DB1,X28.2',
      'Machine[1].ZoneTempC[3]': 'DB1,INT34',
      'Machine[1].Setpoints.HoldPressureBar': 'DB1,REAL36',
      'Machine[2].ShotCounter': 'DB1,DINT44',
      'Machine[2].Setpoints.AutoMode': 'DB1,X86.0',
    });
  });

  it('takes the number from a classic source that declares it, and lists members it cannot read as skipped with the reason', async () => {
    const source = [
      'DATA_BLOCK DB 9', 'VERSION : 0.1', 'STRUCT', '  Count : Int;', '  Stamp : Date_And_Time;', '  Level : Real;', 'END_STRUCT;',
      'BEGIN', 'END_DATA_BLOCK',
    ].join('\n');
    const body = (await importDb({ source })).json();
    expect(body).toMatchObject({ blockName: 'DB9', dbNumber: 9, sizeBytes: 14 });
    expect(body.tags.map((tag: { address: string }) => tag.address)).toEqual(['DB9,INT0', 'DB9,REAL10']);
    expect(body.skipped).toEqual([{ name: 'Stamp', declaredType: 'Date_And_Time', reason: expect.stringContaining('date/time') }]);
  });

  it("answers 400 with the parser's line number when the source cannot be read", async () => {
    const source = 'DATA_BLOCK "Broken"\n{ S7_Optimized_Access := \'FALSE\' }\nSTRUCT\n  Speed : Int\n  Load : Real;\nEND_STRUCT;\nEND_DATA_BLOCK';
    const response = await importDb({ source, dbNumber: 4 });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'INVALID_VALUE', field: 'source', message: 'Cannot import the DB source: line 5: expected ";", found "Load"' });
  });

  it('refuses an optimized block and says how to make it readable', async () => {
    const source = dbSource('IMM_Data.db').replace("S7_Optimized_Access := 'FALSE'", "S7_Optimized_Access := 'TRUE'");
    const response = await importDb({ source, dbNumber: 1 });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'source', message: expect.stringContaining('Optimized block access') });
  });

  it('names dbNumber when a TIA source gives no number, or a different one than the source declares', async () => {
    const missing = await importDb({ source: dbSource('IMM_Data.db') });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'dbNumber', message: expect.stringContaining('pass dbNumber') });
    const clash = await importDb({ source: 'DATA_BLOCK DB 3\nSTRUCT\n a : Int;\nEND_STRUCT;\nBEGIN\nEND_DATA_BLOCK', dbNumber: 5 });
    expect(clash.json()).toMatchObject({ field: 'dbNumber', message: expect.stringContaining('declares DB3 but dbNumber 5') });
    const range = await importDb({ source: dbSource('IMM_Data.db'), dbNumber: 0 });
    expect(range.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'dbNumber', message: expect.stringContaining('1..65535') });
  });

  it('takes a source above the app-wide 64 KiB body limit, up to its own 1 MiB', async () => {
    const comment = `// ${'x'.repeat(100)}\n`.repeat(1000); // ~100 KiB of comments
    const big = await importDb({ source: comment + dbSource('Furnace_Data.db'), dbNumber: 2 });
    expect(big.statusCode).toBe(200);
    expect(big.json().tags).toHaveLength(5);
    const tooBig = await importDb({ source: 'x'.repeat(TIA_IMPORT_BODY_LIMIT_BYTES), dbNumber: 2 });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json()).toMatchObject({ error: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(String(TIA_IMPORT_BODY_LIMIT_BYTES)) });
  });

  it('needs connectors.manage: the process expert may not, the auditor may not', async () => {
    for (const username of ['expert', 'auditor']) {
      const response = await importDb({ source: dbSource('Furnace_Data.db'), dbNumber: 2 }, await cloud.login(username));
      expect(response.statusCode, username).toBe(403);
      expect(response.json().error).toBe('FORBIDDEN');
    }
  });

  it('names a missing source and an unknown field', async () => {
    expect((await importDb({ dbNumber: 1 })).json()).toMatchObject({ error: 'MISSING_FIELD', field: 'source' });
    expect((await importDb({ source: 'DATA_BLOCK DB 1', db: 1 })).json()).toMatchObject({ error: 'UNKNOWN_FIELD', field: 'db' });
  });
});
