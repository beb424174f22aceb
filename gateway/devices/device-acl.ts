/**
 * What a plant device may do on the gateway's local broker (issue 6, docs/scan-protocol.md): it
 * speaks only for itself. A device publishes its scans and readings on its own topics and hears
 * only its own decisions; no wildcard, nothing of another device in either direction. Pure: the
 * device broker's aedes hooks read this, and its test pins it.
 */
import { deviceTopic, type DeviceChannel } from '../../devices/scan-protocol.ts';

export type DeviceAction = 'publish' | 'subscribe';

export interface DeviceAclRule {
  action: DeviceAction;
  channel: DeviceChannel;
  why: string;
}

export const deviceAclRules: readonly DeviceAclRule[] = [
  { action: 'publish', channel: 'scan', why: 'its scans' },
  { action: 'publish', channel: 'reading', why: 'its sensor readings' },
  { action: 'subscribe', channel: 'decision', why: 'the gateway\'s decisions on its scans' },
];

export interface DeviceAcl {
  mayPublish(topic: string): boolean;
  maySubscribe(filter: string): boolean;
}

/**
 * The ACL of one device: exact topics only. A filter with `+` or `#` is refused even when every
 * topic it matches would be allowed, so a device cannot learn which other devices exist.
 */
export function compileDeviceAcl(deviceId: string): DeviceAcl {
  const allowed: Record<DeviceAction, ReadonlySet<string>> = {
    publish: new Set(deviceAclRules.filter((r) => r.action === 'publish').map((r) => deviceTopic(deviceId, r.channel))),
    subscribe: new Set(deviceAclRules.filter((r) => r.action === 'subscribe').map((r) => deviceTopic(deviceId, r.channel))),
  };
  return {
    mayPublish: (topic) => allowed.publish.has(topic),
    maySubscribe: (filter) => allowed.subscribe.has(filter),
  };
}

/** Which of its own channels a topic is, for a topic the ACL let through; undefined otherwise. */
export function deviceChannelOf(deviceId: string, topic: string): Extract<DeviceChannel, 'scan' | 'reading'> | undefined {
  if (topic === deviceTopic(deviceId, 'scan')) return 'scan';
  if (topic === deviceTopic(deviceId, 'reading')) return 'reading';
  return undefined;
}
