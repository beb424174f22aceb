import { describe, expect, it } from 'vitest';
import { checkNodeId, formatNodeId, parseNodeId } from './opcua-node-id.ts';

const ok = (text: string) => {
  const parsed = parseNodeId(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.nodeId;
};
const error = (text: string) => {
  const parsed = parseNodeId(text);
  if (parsed.ok) throw new Error(`${text} parsed`);
  return parsed.error;
};

describe('parseNodeId', () => {
  it('parses string, numeric, guid and opaque identifiers with a namespace', () => {
    expect(ok('ns=1;s=WeldGun1.WeldCount')).toEqual({ namespace: 1, type: 'string', identifier: 'WeldGun1.WeldCount' });
    expect(ok('ns=2;i=1001')).toEqual({ namespace: 2, type: 'numeric', identifier: '1001' });
    expect(ok('ns=3;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63')).toEqual({ namespace: 3, type: 'guid', identifier: '72962b91-fa75-4ae6-8d28-b404dc7daf63' });
    expect(ok('ns=4;b=M/RbKBsRVkePCePcx24oRA==')).toEqual({ namespace: 4, type: 'opaque', identifier: 'M/RbKBsRVkePCePcx24oRA==' });
  });

  it('takes namespace 0 when ns= is left out', () => {
    expect(ok('i=85')).toEqual({ namespace: 0, type: 'numeric', identifier: '85' });
  });

  it('keeps semicolons and equals signs inside a string identifier', () => {
    expect(ok('ns=1;s=Line;A=1').identifier).toBe('Line;A=1');
  });

  it('accepts the well-known folder names for browsing', () => {
    expect(formatNodeId(ok('ObjectsFolder'))).toBe('i=85');
    expect(formatNodeId(ok('RootFolder'))).toBe('i=84');
  });

  it('formats back to the canonical string', () => {
    for (const text of ['ns=1;s=WeldCell.G1.WeldCount', 'ns=2;i=1001', 'i=2253']) expect(formatNodeId(ok(text))).toBe(text);
    expect(formatNodeId(ok('ns=0;i=0085'))).toBe('i=85');
  });

  it('says what was expected when there is no identifier type', () => {
    expect(error('WeldGun1')).toBe('"WeldGun1" is not an OPC UA NodeId; expected "ns=<index>;s=<name>" or "ns=<index>;i=<number>" (also g=<guid>, b=<base64>)');
    expect(error('')).toContain('is not an OPC UA NodeId; expected "ns=<index>;s=<name>"');
  });

  it('names the part that is wrong', () => {
    expect(error('ns=x;i=1')).toContain('namespace index "x" must be a whole number 0..65535');
    expect(error('ns=70000;i=1')).toContain('namespace index "70000"');
    expect(error('ns=1;i=12a')).toContain('numeric identifier "12a" must be a whole number 0..4294967295');
    expect(error('ns=1;i=4294967296')).toContain('0..4294967295');
    expect(error('ns=1;i=-1')).toContain('numeric identifier "-1"');
    expect(error('ns=1;g=not-a-guid')).toContain('"not-a-guid" is not a GUID');
    expect(error('ns=1;b=***')).toContain('"***" is not base64');
    expect(error('ns=1;x=1')).toContain('unknown identifier type "x="');
    expect(error('ns=1;s=')).toContain('the identifier is empty');
    expect(error('nsu=urn:plant;s=A')).toContain('namespace URIs (nsu=) are not supported');
    expect(error(`ns=1;s=${'a'.repeat(4097)}`)).toContain('is 4097 characters, at most 4096 allowed');
  });

  it('checkNodeId returns the problem or undefined, for config-time checks', () => {
    expect(checkNodeId('ns=1;s=A')).toBeUndefined();
    expect(checkNodeId('A')).toMatch(/is not an OPC UA NodeId/);
  });
});
