import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTiaDbSource, type ImportedTag } from './tia-db-import.ts';

const source = (name: string) => readFileSync(new URL(`../../simulators/s7/db-sources/${name}`, import.meta.url), 'utf8');
const addresses = (tags: ImportedTag[]) => Object.fromEntries(tags.map((t) => [t.name, t.address]));

function imported(text: string, dbNumber?: number) {
  const result = importTiaDbSource(text, { dbNumber });
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe('importTiaDbSource', () => {
  it('lays out the simulator\'s injection-molding DB as DB-MAP.md documents it', () => {
    const result = imported(source('IMM_Data.db'), 1);
    expect(result.blockName).toBe('IMM_Data');
    expect(result.sizeBytes).toBe(88);
    expect(result.skipped).toEqual([]);
    const a = addresses(result.tags);
    // Machine[1]: DInt 0..3, String[16] 4..21 (2-byte header), Real 22, Int 26, 3 Bools in byte 28,
    // the array moves past byte 29 to the even byte 30, the struct starts at 36 and is padded to 44.
    expect(a).toMatchObject({
      'Machine[1].ShotCounter': 'DB1,DINT0',
      'Machine[1].MoldId': 'DB1,STRING4.16',
      'Machine[1].CycleTimeS': 'DB1,REAL22',
      'Machine[1].State': 'DB1,INT26',
      'Machine[1].Running': 'DB1,X28.0',
      'Machine[1].Alarm': 'DB1,X28.1',
      'Machine[1].DoorClosed': 'DB1,X28.2',
      'Machine[1].ZoneTempC[1]': 'DB1,INT30',
      'Machine[1].ZoneTempC[3]': 'DB1,INT34',
      'Machine[1].Setpoints.HoldPressureBar': 'DB1,REAL36',
      'Machine[1].Setpoints.InjectionSpeedPct': 'DB1,INT40',
      'Machine[1].Setpoints.AutoMode': 'DB1,X42.0',
      'Machine[2].ShotCounter': 'DB1,DINT44',
      'Machine[2].MoldId': 'DB1,STRING48.16',
      'Machine[2].Running': 'DB1,X72.0',
      'Machine[2].Setpoints.AutoMode': 'DB1,X86.0',
    });
    expect(result.tags).toHaveLength(26);
    expect(result.tags[0]).toEqual({ name: 'Machine[1].ShotCounter', address: 'DB1,DINT0', type: 'DINT', declaredType: 'DInt' });
  });

  it('reads the classic VAR form without an access attribute as standard access', () => {
    const result = imported(source('Furnace_Data.db'), 2);
    // A CHAR after a BOOL takes the next byte (9) without word alignment; the DINT moves to 10.
    expect(addresses(result.tags)).toEqual({
      RemnantWeightKg: 'DB2,REAL0', MeltTempC: 'DB2,REAL4', Pouring: 'DB2,X8.0', LadleId: 'DB2,CHAR9', HeatNumber: 'DB2,DINT10',
    });
    expect(result.sizeBytes).toBe(14);
  });

  it('packs BOOLs across bytes and aligns BYTE, CHAR and WORD as S7 does', () => {
    const result = imported(`
      DATA_BLOCK DB 7
      { S7_Optimized_Access := 'FALSE' }
      VERSION : 0.1
      STRUCT
        b : Array[0..9] of Bool;   // 10 bits: 0.0 .. 1.1, array padded to 2 bytes
        c1 : Byte;                 // 2
        flag : Bool;               // 3.0
        c2 : Char;                 // 4 (next byte, no word alignment)
        w : Word;                  // 6
        s : String[3];             // 8..12 (5 bytes)
        n : UInt;                  // 14
        t : Time := T#1s;          // 16
        x : LReal;                 // 20
        e : Struct END_STRUCT;     // 28, an empty struct still takes 2 bytes
        after : Bool;              // 30.0
        sb : SInt;                 // 31, skipped: nodes7 reads no signed byte
        last : Int;                // 32
      END_STRUCT;
      BEGIN
      END_DATA_BLOCK`);
    expect(result.dbNumber).toBe(7);
    expect(addresses(result.tags)).toEqual({
      'b[0]': 'DB7,X0.0', 'b[1]': 'DB7,X0.1', 'b[2]': 'DB7,X0.2', 'b[3]': 'DB7,X0.3', 'b[4]': 'DB7,X0.4',
      'b[5]': 'DB7,X0.5', 'b[6]': 'DB7,X0.6', 'b[7]': 'DB7,X0.7', 'b[8]': 'DB7,X1.0', 'b[9]': 'DB7,X1.1',
      c1: 'DB7,BYTE2', flag: 'DB7,X3.0', c2: 'DB7,CHAR4', w: 'DB7,WORD6', s: 'DB7,STRING8.3', n: 'DB7,WORD14',
      t: 'DB7,DINT16', x: 'DB7,LREAL20', after: 'DB7,X30.0', last: 'DB7,INT32',
    });
    expect(result.skipped).toEqual([{ name: 'sb', declaredType: 'SInt', reason: expect.stringContaining('signed') }]);
    expect(result.sizeBytes).toBe(34);
  });

  it('pads an odd-sized struct inside an array to an even length', () => {
    const result = imported(`
      DATA_BLOCK "Odd"
      { S7_Optimized_Access := 'FALSE' }
      STRUCT
        item : Array[1..2] of Struct
          code : Char;
          ok : Bool;
        END_STRUCT;
        tail : Byte;
      END_STRUCT;
      BEGIN
      END_DATA_BLOCK`, 3);
    expect(addresses(result.tags)).toEqual({
      'item[1].code': 'DB3,CHAR0', 'item[1].ok': 'DB3,X1.0', 'item[2].code': 'DB3,CHAR2', 'item[2].ok': 'DB3,X3.0', tail: 'DB3,BYTE4',
    });
  });

  it('refuses an optimized block and explains PUT/GET with standard access or OPC UA', () => {
    const result = importTiaDbSource(source('IMM_Data.db').replace("'FALSE'", "'TRUE'"), { dbNumber: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('Cannot import DB "IMM_Data"');
    expect(result.error).toContain('optimized block access');
    expect(result.error).toContain('PUT/GET');
    expect(result.error).toContain('OPC UA');
  });

  it('asks for the DB number when the source does not carry it', () => {
    const result = importTiaDbSource(source('IMM_Data.db'));
    expect(result).toEqual({ ok: false, error: expect.stringContaining('pass dbNumber') });
  });

  it('names the line and what it expected when the source is malformed', () => {
    const result = importTiaDbSource('DATA_BLOCK "X"\nSTRUCT\n  a : Int;\n  b Int;\nEND_STRUCT;\n', { dbNumber: 1 });
    expect(result).toEqual({ ok: false, error: 'Cannot import the DB source: line 4: expected ":", found "Int"' });
    expect(importTiaDbSource('DATA_BLOCK "X"\nSTRUCT\n  u : "MyUdt";\nEND_STRUCT;', { dbNumber: 1 }))
      .toEqual({ ok: false, error: expect.stringContaining('PLC data type "MyUdt"') });
    expect(importTiaDbSource('DATA_BLOCK DB 7\nSTRUCT\n  a : Int;\nEND_STRUCT;', { dbNumber: 1 }))
      .toEqual({ ok: false, error: expect.stringContaining('declares DB7 but dbNumber 1') });
    expect(importTiaDbSource('FUNCTION_BLOCK "F"', { dbNumber: 1 })).toEqual({ ok: false, error: expect.stringContaining('expected DATA_BLOCK') });
    expect(importTiaDbSource('DATA_BLOCK "X"\nSTRUCT\n  m : Array[0..1, 0..2] of Int;\nEND_STRUCT;', { dbNumber: 1 }))
      .toEqual({ ok: false, error: expect.stringContaining('multi-dimensional') });
  });
});
