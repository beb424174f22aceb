import { describe, expect, it } from 'vitest';
import { MetricCatalog } from './metric-catalog.ts';

describe('MetricCatalog', () => {
  const devices = [
    { name: 'zeta', protocol: 'modbus', tags: [{ name: 'b', datatype: 'Double' as const }, { name: 'a', datatype: 'Boolean' as const }] },
    { name: 'alpha', protocol: 'modbus', tags: [{ name: 'temperature', datatype: 'Double' as const, unit: '°C' }] },
  ];

  it('assigns unique aliases after the node metrics, in sorted device and tag order', () => {
    const catalog = new MetricCatalog(devices);
    expect(catalog.entry('alpha', 'temperature')).toMatchObject({ alias: 8, datatype: 'Double', unit: '°C' });
    expect(catalog.entry('zeta', 'a')?.alias).toBe(9);
    expect(catalog.entry('zeta', 'b')?.alias).toBe(10);
    expect(catalog.devices().map((d) => d.name)).toEqual(['alpha', 'zeta']);
  });

  it('gives the same aliases whatever order the configuration lists things in', () => {
    const reordered = new MetricCatalog([...devices].reverse().map((d) => ({ ...d, tags: [...d.tags].reverse() })));
    const original = new MetricCatalog(devices);
    for (const d of devices) for (const t of d.tags) expect(reordered.entry(d.name, t.name)).toEqual(original.entry(d.name, t.name));
  });

  it('knows nothing of unconfigured tags', () => {
    expect(new MetricCatalog(devices).entry('alpha', 'nope')).toBeUndefined();
  });

  it('rejects duplicate devices and tags', () => {
    expect(() => new MetricCatalog([devices[0], devices[0]])).toThrow(/configured twice/);
    expect(() => new MetricCatalog([{ name: 'd', protocol: 'modbus', tags: [{ name: 't', datatype: 'Double' }, { name: 't', datatype: 'Double' }] }])).toThrow(/twice/);
  });
});
