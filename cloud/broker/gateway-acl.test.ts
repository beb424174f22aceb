import { describe, expect, it } from 'vitest';
import { compileGatewayAcl, filterWithin, gatewayFilters, mosquittoAclFile, topicMatches } from './gateway-acl.ts';

const a = compileGatewayAcl({ group: 'plant', edge: 'gw-a' });

describe('gateway ACL', () => {
  it('lets a gateway publish its own Sparkplug node and device messages and edge events', () => {
    for (const topic of [
      'spBv1.0/plant/NBIRTH/gw-a', 'spBv1.0/plant/NDEATH/gw-a', 'spBv1.0/plant/NDATA/gw-a',
      'spBv1.0/plant/DBIRTH/gw-a/shelf', 'spBv1.0/plant/DDEATH/gw-a/shelf', 'spBv1.0/plant/DDATA/gw-a/shelf',
      'edgestock/v1/plant/gw-a/events', 'edgestock/v1/plant/gw-a/scan/ack/42',
    ]) expect(a.mayPublish(topic), topic).toBe(true);
  });

  it("refuses publishing under another gateway's or another group's topics", () => {
    for (const topic of [
      'spBv1.0/plant/NDATA/gw-b', 'spBv1.0/other/NDATA/gw-a', 'spBv1.0/plant/DDATA/gw-b/shelf',
      'edgestock/v1/plant/gw-b/events', 'edgestock/v1/other/gw-a/events',
    ]) expect(a.mayPublish(topic), topic).toBe(false);
  });

  it('refuses commands, STATE and malformed Sparkplug topics from a gateway', () => {
    for (const topic of [
      'spBv1.0/plant/NCMD/gw-a', 'spBv1.0/plant/DCMD/gw-a/shelf', 'spBv1.0/STATE/cloud', 'spBv1.0/plant/NDATA/gw-a/extra',
      'spBv1.0/plant/DDATA/gw-a', 'spBv1.0/plant/DDATA/gw-a/shelf/sub', 'spBv1.0/plant/NDATA', '$SYS/x', 'other/topic',
    ]) expect(a.mayPublish(topic), topic).toBe(false);
  });

  it('lets a gateway subscribe to its own commands, host STATE and its edge topics', () => {
    for (const filter of [
      'spBv1.0/plant/NCMD/gw-a', 'spBv1.0/plant/DCMD/gw-a/+', 'spBv1.0/plant/DCMD/gw-a/#', 'spBv1.0/plant/DCMD/gw-a/shelf',
      'spBv1.0/STATE/+', 'spBv1.0/STATE/cloud-host', 'edgestock/v1/plant/gw-a/#', 'edgestock/v1/plant/gw-a/+/cmd', 'edgestock/v1/plant/gw-a',
    ]) expect(a.maySubscribe(filter), filter).toBe(true);
  });

  it("lets a gateway read the cloud's STATE but never write it, as a message or as its Will", () => {
    // The cloud's ingest publishes spBv1.0/STATE/<ingest.hostId> (default edgestock-cloud); the
    // gateway subscribes to exactly that topic when north.primaryHostId names it.
    for (const hostId of ['edgestock-cloud', 'backup-host']) {
      expect(a.maySubscribe(`spBv1.0/STATE/${hostId}`), hostId).toBe(true);
      // The embedded broker checks a Will with mayPublish at CONNECT (embedded-broker.ts), so
      // this one rule also keeps a gateway from registering a fake "host offline" Will.
      expect(a.mayPublish(`spBv1.0/STATE/${hostId}`), hostId).toBe(false);
    }
    expect(gatewayFilters({ group: 'plant', edge: 'gw-a' }, 'publish').some((filter) => filter.includes('STATE'))).toBe(false);
    // mosquitto: the same, from the same table
    const acl = mosquittoAclFile([{ username: 'gw-a-user', group: 'plant', edge: 'gw-a' }]);
    expect(acl).toContain('topic read spBv1.0/STATE/+\n');
    expect(acl).not.toMatch(/topic write spBv1\.0\/STATE/);
  });

  it('refuses subscriptions and wildcards that would reach other gateways', () => {
    for (const filter of [
      '#', '+/#', 'spBv1.0/#', 'spBv1.0/plant/#', 'spBv1.0/plant/+/gw-a', 'spBv1.0/plant/NCMD/+', 'spBv1.0/plant/NCMD/gw-b',
      'spBv1.0/+/NCMD/gw-a', 'spBv1.0/plant/DCMD/+/shelf', 'spBv1.0/plant/NDATA/gw-b', 'spBv1.0/STATE/#', 'spBv1.0/STATE/+/x',
      'edgestock/v1/plant/+/#', 'edgestock/v1/#', 'edgestock/v1/plant/gw-b/#',
    ]) expect(a.maySubscribe(filter), filter).toBe(false);
  });

  it('refuses identities that are not single topic levels, so a wildcard can never enter a rule', () => {
    expect(() => compileGatewayAcl({ group: 'plant', edge: '#' })).toThrow(/edge "#" is not a single MQTT topic level/);
    expect(() => compileGatewayAcl({ group: 'a/b', edge: 'e' })).toThrow(/group "a\/b"/);
  });
});

describe('topic filters', () => {
  it('matches topics as MQTT 4.7 describes', () => {
    expect(topicMatches('sport/#', 'sport')).toBe(true);
    expect(topicMatches('sport/+', 'sport')).toBe(false);
    expect(topicMatches('sport/+/player1', 'sport/tennis/player1')).toBe(true);
    expect(topicMatches('#', '$SYS/broker')).toBe(false);
    expect(topicMatches('a/b', 'a/b/c')).toBe(false);
  });

  it('tells whether one filter is inside another', () => {
    expect(filterWithin('a/+', 'a/#')).toBe(true);
    expect(filterWithin('a', 'a/#')).toBe(true);
    expect(filterWithin('a/#', 'a/+')).toBe(false);
    expect(filterWithin('a/b/c', 'a/+/c')).toBe(true);
    expect(filterWithin('a/+/c', 'a/b/c')).toBe(false);
    expect(filterWithin('a/b', 'a/b/c')).toBe(false);
  });
});

describe('mosquitto acl_file', () => {
  it('writes one user block per gateway from the same table', () => {
    const text = mosquittoAclFile([{ username: 'gw-a-user', group: 'plant', edge: 'gw-a' }], 'cloud-ingest');
    expect(text).toContain('user gw-a-user\ntopic write spBv1.0/plant/NBIRTH/gw-a\n');
    expect(text).toContain('topic read spBv1.0/plant/DCMD/gw-a/#\n');
    expect(text).toContain('user cloud-ingest\ntopic read spBv1.0/#\n');
    expect(text.split('\n').filter((line) => line.startsWith('topic ')).length)
      .toBe(gatewayFilters({ group: 'plant', edge: 'gw-a' }, 'publish').length + gatewayFilters({ group: 'plant', edge: 'gw-a' }, 'subscribe').length + 6);
  });
});
