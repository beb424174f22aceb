import { describe, expect, it } from 'vitest';
import { modbusMetricDataType } from './modbus-protocol.ts';

const tag = (address: string, scale = 1, offset = 0) => ({ address, scale, offset });

describe('modbusMetricDataType', () => {
  it('publishes coils and discrete inputs as Boolean', () => {
    expect(modbusMetricDataType(tag('co:0'))).toBe('Boolean');
    expect(modbusMetricDataType(tag('di:3'))).toBe('Boolean');
  });

  it('publishes unscaled integers as Int32 when they fit, else Int64', () => {
    expect(modbusMetricDataType(tag('hr:0'))).toBe('Int32');
    expect(modbusMetricDataType(tag('ir:1:uint16'))).toBe('Int32');
    expect(modbusMetricDataType(tag('hr:0:int32'))).toBe('Int32');
    expect(modbusMetricDataType(tag('hr:10:uint32'))).toBe('Int64');
    expect(modbusMetricDataType(tag('hr:0:int32', 10))).toBe('Int64');
    expect(modbusMetricDataType(tag('hr:0:int16', 10, 5))).toBe('Int32');
  });

  it('publishes scaled values with a fractional scale or offset as Double', () => {
    expect(modbusMetricDataType(tag('ir:0:int16', 0.1))).toBe('Double');
    expect(modbusMetricDataType(tag('ir:0:int16', 1, 0.5))).toBe('Double');
  });

  it('publishes float32 as Float unless scaled, float64 as Double', () => {
    expect(modbusMetricDataType(tag('ir:100:float32'))).toBe('Float');
    expect(modbusMetricDataType(tag('ir:100:float32', 2))).toBe('Double');
    expect(modbusMetricDataType(tag('hr:4:float64:CDAB'))).toBe('Double');
  });
});
