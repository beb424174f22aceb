import { describe, expect, it } from 'vitest';
import { formatModbusAddress, parseModbusAddress, type ModbusAddress } from './modbus-address.ts';

function parsed(text: string): ModbusAddress {
  const result = parseModbusAddress(text);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.error}`);
  return result.address;
}

function error(text: string): string {
  const result = parseModbusAddress(text);
  if (result.ok) throw new Error(`expected "${text}" to be rejected, got ${JSON.stringify(result.address)}`);
  return result.error;
}

describe('parseModbusAddress', () => {
  it('defaults registers to int16 big-endian and bits to bool', () => {
    expect(parsed('hr:0')).toEqual({ area: 'hr', offset: 0, type: 'int16', order: 'AB', width: 1, writable: true });
    expect(parsed('ir:7')).toEqual({ area: 'ir', offset: 7, type: 'int16', order: 'AB', width: 1, writable: false });
    expect(parsed('co:3')).toEqual({ area: 'co', offset: 3, type: 'bool', order: '', width: 1, writable: true });
    expect(parsed('di:0')).toEqual({ area: 'di', offset: 0, type: 'bool', order: '', width: 1, writable: false });
  });

  it('accepts every register type with its default order and width', () => {
    const cases = [
      ['int16', 'AB', 1], ['uint16', 'AB', 1], ['int32', 'ABCD', 2], ['uint32', 'ABCD', 2], ['float32', 'ABCD', 2], ['float64', 'ABCD', 4],
    ] as const;
    for (const [type, order, width] of cases) {
      expect(parsed(`ir:10:${type}`)).toMatchObject({ area: 'ir', offset: 10, type, order, width });
      expect(parsed(`hr:10:${type}`)).toMatchObject({ area: 'hr', type, writable: true });
    }
  });

  it('accepts every byte order that fits the type', () => {
    for (const order of ['ABCD', 'DCBA', 'BADC', 'CDAB'] as const) {
      for (const type of ['int32', 'uint32', 'float32', 'float64'] as const) {
        expect(parsed(`hr:4:${type}:${order}`)).toMatchObject({ type, order });
      }
    }
    for (const order of ['AB', 'BA'] as const) {
      expect(parsed(`hr:4:int16:${order}`)).toMatchObject({ order });
      expect(parsed(`ir:4:uint16:${order}`)).toMatchObject({ order });
    }
    expect(parsed('co:1:bool')).toMatchObject({ type: 'bool' });
  });

  it('is lenient about case and surrounding spaces', () => {
    expect(parsed(' HR:4:Float32:cdab ')).toMatchObject({ area: 'hr', offset: 4, type: 'float32', order: 'CDAB' });
  });

  it('accepts the ends of the address space', () => {
    expect(parsed('hr:65535')).toMatchObject({ offset: 65535 });
    expect(parsed('hr:65534:float32')).toMatchObject({ offset: 65534, width: 2 });
    expect(parsed('ir:65532:float64')).toMatchObject({ width: 4 });
  });

  it('rejects a vendor-style register number and shows the expected form', () => {
    expect(error('4x0001')).toBe('"4x0001" is not a Modbus address; expected "<area>:<offset>[:<type>[:<order>]]" such as "hr:0", "ir:10:float32", "hr:4:float32:CDAB" (areas co, di, ir, hr)');
    expect(error('40001')).toMatch(/^"40001" is not a Modbus address; expected "<area>:<offset>/);
    expect(error('hr:')).toMatch(/is not a Modbus address/);
    expect(error('hr:1:int16:AB:x')).toMatch(/is not a Modbus address/);
    expect(error('')).toMatch(/is not a Modbus address/);
  });

  it('names an unknown area and lists the known ones', () => {
    expect(error('xx:1')).toBe('area "xx" in "xx:1" is not a Modbus area; expected one of co, di, ir, hr (coil, discrete input, input register, holding register)');
  });

  it('rejects offsets that are not numbers or out of range', () => {
    expect(error('hr:70000')).toBe('offset 70000 is out of range 0..65535');
    expect(error('hr:abc')).toBe('offset "abc" in "hr:abc" is not a number; expected a 0-based decimal offset 0..65535');
    expect(error('hr:-1')).toMatch(/offset "-1" in "hr:-1" is not a number/);
    expect(error('hr:1.5')).toMatch(/offset "1.5"/);
  });

  it('rejects unknown types and lists the register types', () => {
    expect(error('hr:0:int8')).toBe('type "int8" in "hr:0:int8" is not a Modbus data type; expected one of int16, uint16, int32, uint32, float32, float64');
    expect(error('co:0:int8')).toBe('type "int8" in "co:0:int8" is not a Modbus data type; expected bool');
  });

  it('rejects numeric types on bit areas and bool on registers', () => {
    expect(error('co:0:float32')).toBe('"co" holds bits; type must be bool');
    expect(error('di:0:int16')).toBe('"di" holds bits; type must be bool');
    expect(error('hr:0:bool')).toBe('"hr" holds 16-bit registers; type must be one of int16, uint16, int32, uint32, float32, float64');
  });

  it('rejects byte orders that do not fit the type', () => {
    expect(error('hr:0:float32:AB')).toBe('order "AB" does not fit float32 (4 bytes); expected one of ABCD, DCBA, BADC, CDAB');
    expect(error('hr:0:int16:ABCD')).toBe('order "ABCD" does not fit int16 (2 bytes); expected one of AB, BA');
    expect(error('hr:0:float64:XYZW')).toBe('order "XYZW" does not fit float64 (8 bytes); expected one of ABCD, DCBA, BADC, CDAB');
    expect(error('co:0:bool:AB')).toBe('type bool has no byte order; remove ":AB" from "co:0:bool:AB"');
  });

  it('rejects multi-register values that run past the end of the register space', () => {
    expect(error('hr:65535:float32')).toBe('type "float32" needs 2 registers from 65535 but the register space ends at 65535');
    expect(error('ir:65533:float64')).toBe('type "float64" needs 4 registers from 65533 but the register space ends at 65535');
  });

  it('formats a parsed address back to its canonical text', () => {
    expect(formatModbusAddress(parsed('HR:4:FLOAT32:cdab'))).toBe('hr:4:float32:CDAB');
    expect(formatModbusAddress(parsed('co:2'))).toBe('co:2:bool');
    expect(formatModbusAddress(parsed('ir:1'))).toBe('ir:1:int16:AB');
  });
});
