import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.ts';
import { errorCodeOf, qualityOf, toTagScalar, toWriteValue } from './opcua-codec.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as ConnectorError).code;
  }
  return undefined;
};

describe('opcua codec', () => {
  it('maps StatusCode severity to quality (OPC 10000-4 7.39)', () => {
    expect(qualityOf(0)).toBe('good');
    expect(qualityOf(0x40920000)).toBe('uncertain'); // UncertainSensorNotAccurate
    expect(qualityOf(0x80340000)).toBe('bad'); // BadNodeIdUnknown
    expect(qualityOf(0xc0000000)).toBe('bad');
  });

  it('gives catalogue codes for statuses that are not Good', () => {
    expect(errorCodeOf('BadNodeIdUnknown', 'bad')).toBe('BAD_NODE_ID');
    expect(errorCodeOf('BadSensorFailure', 'bad')).toBe('BAD_STATUS');
    expect(errorCodeOf('UncertainLastUsableValue', 'uncertain')).toBe('UNCERTAIN_STATUS');
  });

  it('decodes scalars, 64-bit words and text types', () => {
    expect(toTagScalar('UInt32', 1247)).toBe(1247);
    expect(toTagScalar('Double', 1.8)).toBe(1.8);
    expect(toTagScalar('Boolean', true)).toBe(true);
    expect(toTagScalar('UInt64', [1, 2])).toBe(2 ** 32 + 2);
    expect(toTagScalar('Int64', [0xffffffff, 0xfffffffe])).toBe(-2);
    expect(toTagScalar('LocalizedText', { text: 'mm' })).toBe('mm');
    expect(toTagScalar('DateTime', new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(toTagScalar('Double', Number.NaN)).toBeUndefined();
    expect(toTagScalar('Double', [1, 2, 3])).toBeUndefined();
    expect(toTagScalar('ExtensionObject', {})).toBeUndefined();
  });

  it('checks writes against the node DataType before sending', () => {
    expect(toWriteValue('UInt32', 300, 'x')).toBe(300);
    expect(toWriteValue('Boolean', 1, 'x')).toBe(true);
    expect(toWriteValue('Double', 1.5, 'x')).toBe(1.5);
    expect(codeOf(() => toWriteValue('UInt32', -1, 'x'))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => toWriteValue('Byte', 256, 'x'))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => toWriteValue('Int16', 1.5, 'x'))).toBe('TYPE_MISMATCH');
    expect(codeOf(() => toWriteValue('Boolean', 2, 'x'))).toBe('TYPE_MISMATCH');
    expect(codeOf(() => toWriteValue('String', 2, 'x'))).toBe('TYPE_MISMATCH');
  });
});
