/**
 * What one MQTT client sent, as mosquitto logs it with `log_type all`: CONNECT (protocol level,
 * clean session, keepalive, Will topic, QoS and retain), SUBSCRIBE (topics and QoS), PUBLISH (QoS,
 * retain, topic) and DISCONNECT, in order. A subscriber sees only what the broker forwards (retain
 * cleared, QoS capped); the broker's log shows the flags the client itself set.
 */

export type WirePacket =
  | { kind: 'connect'; protocol: 'p1' | 'p2' | 'p5'; cleanStart: boolean; keepaliveS: number; will?: { topic: string; qos: number; retain: boolean; bytes: number } }
  | { kind: 'subscribe'; topics: Array<{ topic: string; qos: number }> }
  | { kind: 'publish'; qos: number; retain: boolean; dup: boolean; topic: string; bytes: number }
  | { kind: 'disconnect' };

const stamp = /^\d+: /;
const connected = /^New client connected from \S+ as (\S+) \((p\d), c(\d), k(\d+)/;
const willSpecified = /^Will message specified \((\d+) bytes\) \(r(\d), q(\d)\)\.$/;
const subscribeFrom = /^Received SUBSCRIBE from (\S+)$/;
const subscription = /^\t(.+) \(QoS (\d)\)$/;
const publishFrom = /^Received PUBLISH from (\S+) \(d(\d), q(\d), r(\d), m\d+, '(.*)', \.\.\. \((\d+) bytes\)\)$/;
const disconnectFrom = /^Received DISCONNECT from (\S+)/;

/** The packets `clientId` sent, in log order. */
export function packetsFrom(log: string, clientId: string): WirePacket[] {
  const packets: WirePacket[] = [];
  const lines = log.split('\n').map((line) => line.replace(stamp, ''));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let match = connected.exec(line);
    if (match) {
      if (match[1] !== clientId) continue;
      const packet: Extract<WirePacket, { kind: 'connect' }> = {
        kind: 'connect', protocol: match[2] as 'p1' | 'p2' | 'p5', cleanStart: match[3] === '1', keepaliveS: Number(match[4]),
      };
      const will = willSpecified.exec(lines[i + 1] ?? '');
      if (will) packet.will = { bytes: Number(will[1]), retain: will[2] === '1', qos: Number(will[3]), topic: (lines[i + 2] ?? '').replace(/^\t/, '') };
      packets.push(packet);
      continue;
    }
    match = subscribeFrom.exec(line);
    if (match) {
      if (match[1] !== clientId) continue;
      const topics: Array<{ topic: string; qos: number }> = [];
      for (let j = i + 1; j < lines.length; j++) {
        const entry = subscription.exec(lines[j]);
        if (!entry) break;
        topics.push({ topic: entry[1], qos: Number(entry[2]) });
      }
      packets.push({ kind: 'subscribe', topics });
      continue;
    }
    match = publishFrom.exec(line);
    if (match) {
      if (match[1] !== clientId) continue;
      packets.push({ kind: 'publish', dup: match[2] === '1', qos: Number(match[3]), retain: match[4] === '1', topic: match[5], bytes: Number(match[6]) });
      continue;
    }
    match = disconnectFrom.exec(line);
    if (match && match[1] === clientId) packets.push({ kind: 'disconnect' });
  }
  return packets;
}
