import { describe, expect, it } from 'vitest';
import { elementsOf, parseS7Address, type S7Address } from './s7-address.ts';

function parsed(text: string): S7Address {
  const result = parseS7Address(text);
  if (!result.ok) throw new Error(result.error);
  return result.address;
}
const errorOf = (text: string) => {
  const result = parseS7Address(text);
  return result.ok ? undefined : result.error;
};

describe('parseS7Address', () => {
  it.each([
    ['DB1,REAL4', { dbNumber: 1, type: 'REAL', byteOffset: 4, bitOffset: 0, count: 1, stringLength: 0, text: 'DB1,REAL4' }],
    ['DB1,X2.1', { type: 'X', byteOffset: 2, bitOffset: 1, count: 1, text: 'DB1,X2.1' }],
    ['DB1,X2.6.4', { type: 'X', byteOffset: 2, bitOffset: 6, count: 4, text: 'DB1,X2.6.4' }],
    ['DB5,INT6.10', { dbNumber: 5, type: 'INT', byteOffset: 6, count: 10, text: 'DB5,INT6.10' }],
    ['DB3,S10.20', { dbNumber: 3, type: 'STRING', byteOffset: 10, stringLength: 20, count: 1, text: 'DB3,STRING10.20' }],
    ['DB3,STRING10.20.2', { type: 'STRING', stringLength: 20, count: 2, text: 'DB3,STRING10.20.2' }],
    ['DB2,DINT0', { type: 'DINT', text: 'DB2,DINT0' }],
    ['db2,di8', { type: 'DINT', byteOffset: 8, text: 'DB2,DINT8' }],
    ['DB1,B7', { type: 'BYTE', text: 'DB1,BYTE7' }],
    ['DB1,BYTE7.3', { type: 'BYTE', count: 3 }],
    ['DB1,W2', { type: 'WORD' }],
    ['DB1,DW2', { type: 'DWORD' }],
    ['DB1,I2', { type: 'INT' }],
    ['DB1,R2', { type: 'REAL' }],
    ['DB1,LREAL8', { type: 'LREAL', text: 'DB1,LREAL8' }],
    ['DB1,LR8', { type: 'LREAL' }],
    ['DB1,C3', { type: 'CHAR', text: 'DB1,CHAR3' }],
    [' DB1,CHAR3.8 ', { type: 'CHAR', count: 8 }],
  ])('parses %s', (text, expected) => {
    expect(parsed(text)).toMatchObject(expected);
  });

  it.each([
    ['DB1,X', 'Cannot parse tag address "DB1,X": the byte offset is missing; expected DB<n>,<type><offset> such as "DB1,REAL4", "DB1,X2.1", "DB3,S10.20"'],
    ['MW10', 'Cannot parse tag address "MW10": expected DB<n>,<type><offset> such as "DB1,REAL4", "DB1,X2.1", "DB3,S10.20"'],
    ['DB1.DBW2', 'Cannot parse tag address "DB1.DBW2": expected DB<n>,<type><offset> such as "DB1,REAL4", "DB1,X2.1", "DB3,S10.20"'],
    ['DB1,X2', '"DB1,X2" does not fit type X: expected DB<n>,X<byte>.<bit>[.<count>] such as "DB1,X2.1"'],
    ['DB1,X2.8', 'bit 8 in "DB1,X2.8" is out of range; a byte has bits 0..7, e.g. "DB1,X2.7"'],
    ['DB3,S10', '"DB3,S10" does not fit type STRING: expected DB<n>,S<byte>.<max length>[.<count>] such as "DB3,S10.20"'],
    ['DB3,S10.255', 'string length 255 in "DB3,S10.255" is out of range; an S7 STRING holds 1..254 characters'],
    ['DB1,REAL4.2.1', '"DB1,REAL4.2.1" does not fit type REAL: expected DB<n>,REAL<offset>[.<count>] such as "DB1,REAL4"'],
    ['DB1,INT4.0', 'array length 0 in "DB1,INT4.0" must be at least 1'],
    ['DB0,INT4', 'data block number 0 in "DB0,INT4" is out of range; expected DB1..DB65535'],
    ['DB1,FLOAT4', expect.stringContaining('type "FLOAT" in "DB1,FLOAT4" is not an S7 data type; expected one of X, BYTE, CHAR')],
    ['DB1,LINT0', expect.stringContaining('type LINT in "DB1,LINT0" is not supported: nodes7 0.3.18 does not decode LINT')],
    ['DB1,DTL0', expect.stringContaining('date/time')],
    ['DB1,DINT65534', '"DB1,DINT65534" ends at byte 65537, past the largest DB offset 65535'],
  ])('rejects %s', (text, message) => {
    expect(errorOf(text)).toEqual(message);
  });
});

describe('elementsOf', () => {
  it('splits numeric arrays by element size', () => {
    expect(elementsOf(parsed('DB5,INT6.3')).map((a) => a.text)).toEqual(['DB5,INT6', 'DB5,INT8', 'DB5,INT10']);
    expect(elementsOf(parsed('DB1,S4.16.2')).map((a) => a.text)).toEqual(['DB1,STRING4.16', 'DB1,STRING22.16']);
  });

  it('continues bit arrays into the next byte after bit 7', () => {
    expect(elementsOf(parsed('DB1,X2.6.4')).map((a) => a.text)).toEqual(['DB1,X2.6', 'DB1,X2.7', 'DB1,X3.0', 'DB1,X3.1']);
  });

  it('keeps scalars and CHAR arrays (text) whole', () => {
    expect(elementsOf(parsed('DB1,REAL4'))).toEqual([parsed('DB1,REAL4')]);
    expect(elementsOf(parsed('DB1,C3.8'))).toEqual([parsed('DB1,C3.8')]);
  });
});
