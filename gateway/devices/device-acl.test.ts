import { describe, expect, it } from 'vitest';
import { compileDeviceAcl, deviceChannelOf } from './device-acl.ts';

describe('device ACL', () => {
  const acl = compileDeviceAcl('pda-01');

  it('lets a device publish only its own scans and readings', () => {
    expect(acl.mayPublish('devices/pda-01/scan')).toBe(true);
    expect(acl.mayPublish('devices/pda-01/reading')).toBe(true);
    expect(acl.mayPublish('devices/pda-01/decision')).toBe(false);
    expect(acl.mayPublish('devices/pda-02/scan')).toBe(false);
    expect(acl.mayPublish('devices/pda-01/scan/extra')).toBe(false);
    expect(acl.mayPublish('edgestock/v1/demo-plant/gw/event')).toBe(false);
  });

  it('lets a device subscribe only to its own decisions, never with a wildcard', () => {
    expect(acl.maySubscribe('devices/pda-01/decision')).toBe(true);
    expect(acl.maySubscribe('devices/pda-02/decision')).toBe(false);
    expect(acl.maySubscribe('devices/pda-01/scan')).toBe(false);
    expect(acl.maySubscribe('devices/+/decision')).toBe(false);
    expect(acl.maySubscribe('devices/pda-01/#')).toBe(false);
    expect(acl.maySubscribe('#')).toBe(false);
  });

  it('does not let an id that is a prefix of another reach the other\'s topics', () => {
    const short = compileDeviceAcl('pda-0');
    expect(short.mayPublish('devices/pda-01/scan')).toBe(false);
    expect(short.maySubscribe('devices/pda-01/decision')).toBe(false);
  });

  it('names the channel of a device\'s own topic', () => {
    expect(deviceChannelOf('pda-01', 'devices/pda-01/scan')).toBe('scan');
    expect(deviceChannelOf('sensor-b18', 'devices/sensor-b18/reading')).toBe('reading');
    expect(deviceChannelOf('pda-01', 'devices/pda-02/scan')).toBeUndefined();
  });
});
