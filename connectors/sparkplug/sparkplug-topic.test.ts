import { describe, expect, it } from 'vitest';
import { parseSparkplugTopic, sparkplugStateTopic, sparkplugTopic, SparkplugTopicError } from './sparkplug-topic.ts';

describe('sparkplugTopic', () => {
  it('builds edge node topics without a device id', () => {
    expect(sparkplugTopic({ group: 'plant-1', type: 'NBIRTH', edge: 'gw-01' })).toBe('spBv1.0/plant-1/NBIRTH/gw-01');
    expect(sparkplugTopic({ group: 'plant-1', type: 'NDEATH', edge: 'gw-01' })).toBe('spBv1.0/plant-1/NDEATH/gw-01');
  });

  it('builds device topics with a device id', () => {
    expect(sparkplugTopic({ group: 'plant-1', type: 'DDATA', edge: 'gw-01', device: 'press 4' })).toBe('spBv1.0/plant-1/DDATA/gw-01/press 4');
  });

  it('rejects ids containing reserved characters, naming the element', () => {
    expect(() => sparkplugTopic({ group: 'a/b', type: 'NDATA', edge: 'e' })).toThrow(/group id "a\/b" contains '\/'/);
    expect(() => sparkplugTopic({ group: 'g', type: 'NDATA', edge: 'e+' })).toThrow(/edge node id "e\+" contains '\+'/);
    expect(() => sparkplugTopic({ group: 'g', type: 'DDATA', edge: 'e', device: '#' })).toThrow(SparkplugTopicError);
    expect(() => sparkplugTopic({ group: '', type: 'NDATA', edge: 'e' })).toThrow(/group id must be a non-empty string/);
  });

  it('requires a device id exactly for device message types', () => {
    expect(() => sparkplugTopic({ group: 'g', type: 'DBIRTH', edge: 'e' })).toThrow(/a device id is required/);
    expect(() => sparkplugTopic({ group: 'g', type: 'NBIRTH', edge: 'e', device: 'd' })).toThrow(/carries no device id/);
  });

  it('builds the STATE topic', () => {
    expect(sparkplugStateTopic('scada-1')).toBe('spBv1.0/STATE/scada-1');
    expect(() => sparkplugStateTopic('a/b')).toThrow(SparkplugTopicError);
  });
});

describe('parseSparkplugTopic', () => {
  it('parses node and device topics', () => {
    expect(parseSparkplugTopic('spBv1.0/plant-1/NBIRTH/gw-01')).toEqual({ namespace: 'spBv1.0', group: 'plant-1', type: 'NBIRTH', edge: 'gw-01' });
    expect(parseSparkplugTopic('spBv1.0/plant-1/DDATA/gw-01/press-4')).toEqual({ namespace: 'spBv1.0', group: 'plant-1', type: 'DDATA', edge: 'gw-01', device: 'press-4' });
  });

  it('parses the STATE topic', () => {
    expect(parseSparkplugTopic('spBv1.0/STATE/scada-1')).toEqual({ namespace: 'spBv1.0', type: 'STATE', hostId: 'scada-1' });
  });

  it('round-trips what sparkplugTopic builds', () => {
    const parts = { group: 'g', type: 'DCMD', edge: 'e', device: 'd' } as const;
    expect(parseSparkplugTopic(sparkplugTopic(parts))).toEqual({ namespace: 'spBv1.0', ...parts });
  });

  it.each([
    ['spAv1.0/g/NDATA/e', /does not start with "spBv1.0\/"/],
    ['spBv1.0/g/DDATA', /has 3 levels/],
    ['spBv1.0/g/DDATA/e', /DDATA needs a device id/],
    ['spBv1.0/g/NDATA/e/d', /NDATA carries no device id/],
    ['spBv1.0/g/XDATA/e', /unknown message type "XDATA"/],
    ['spBv1.0/g/DDATA/e/d/extra', /has 6 levels/],
    ['spBv1.0//NDATA/e', /group id must be a non-empty string/],
    ['spBv1.0/g/NDATA/+', /edge node id "\+" contains '\+'/],
    ['spBv1.0/STATE', /expected spBv1.0\/STATE\/<host id>/],
  ])('reports what is wrong with %s', (topic, message) => {
    const parsed = parseSparkplugTopic(topic);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toMatch(message);
  });
});
