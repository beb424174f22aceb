import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCloud, type TestCloud } from '../test-fixture.ts';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
}, 30_000);
afterAll(async () => {
  await cloud?.close();
});

describe('GET /api/schema/connector', () => {
  it('gives the JSON Schema of every protocol with the schema messages for patterns, readable with telemetry.read', async () => {
    const auditor = await cloud.login('auditor');
    const response = await auditor.inject({ method: 'GET', url: '/api/schema/connector' });
    expect(response.statusCode).toBe(200);
    const schema = response.json();
    const protocols = schema.oneOf.map((variant: { properties: { protocol: { const: string } } }) => variant.properties.protocol.const);
    expect(protocols).toEqual(expect.arrayContaining(['modbus', 's7']));
    const modbus = schema.oneOf.find((variant: { properties: { protocol: { const: string } } }) => variant.properties.protocol.const === 'modbus');
    expect(modbus.required).toEqual(['name', 'protocol', 'connection', 'tags']);
    expect(modbus.properties.name['x-message']).toContain('Sparkplug topic level');
    expect(modbus.properties.tags['x-message']).toBe('a connector needs at least one tag');
    expect(modbus.properties.tags.items.properties.address).toEqual({ type: 'string', minLength: 1 });
    const operator = await cloud.login('operator');
    expect((await operator.inject({ method: 'GET', url: '/api/schema/connector' })).statusCode).toBe(403);
  });
});
