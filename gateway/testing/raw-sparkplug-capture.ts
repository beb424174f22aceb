/**
 * A test subscriber that keeps the raw bytes of every message on the Sparkplug namespace, in
 * arrival order and undecoded, for checks that must see exactly what went over the wire (a
 * cross-check against another decoder, QoS and retain as delivered). sparkplug-recorder.ts is the
 * decoding counterpart; it drops what our codec cannot read, which a cross-check must not do.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { parseSparkplugTopic } from '../../connectors/sparkplug/index.ts';

export interface RawFrame {
  /** Position in arrival order, from 0. */
  index: number;
  topic: string;
  /** NBIRTH, DDATA, ..., STATE; '?' for a topic that is not a valid Sparkplug topic. */
  type: string;
  device?: string;
  bytes: Uint8Array;
  /** QoS as delivered: min(publish QoS, subscription QoS). */
  qos: number;
  retain: boolean;
  receivedAt: number;
}

export interface RawCaptureOptions {
  username?: string;
  password?: string;
  /** Default 'spBv1.0/#'. */
  topic?: string;
  /** Default 4: the embedded test broker speaks MQTT 3.1.1 only. */
  protocolVersion?: 4 | 5;
}

export interface RawCapture {
  readonly frames: readonly RawFrame[];
  ofType(type: string, from?: number): RawFrame[];
  /** The first frame (from index `from` on) that matches; rejects after timeoutMs naming `what`. */
  waitFor(what: string, predicate: (frame: RawFrame) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<RawFrame>;
  publish(topic: string, payload: Uint8Array, options?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}

const connect = (url: string, options: RawCaptureOptions): Promise<MqttClient> => mqtt.connectAsync(url, {
  protocolVersion: options.protocolVersion ?? 4,
  clean: true,
  reconnectPeriod: 0,
  username: options.username,
  password: options.password,
  clientId: `raw-capture-${Math.random().toString(16).slice(2)}`,
});

function frameOf(index: number, topic: string, payload: Buffer, qos: number, retain: boolean): RawFrame {
  const parsed = parseSparkplugTopic(topic);
  const type = 'error' in parsed ? '?' : parsed.type;
  const device = 'error' in parsed || parsed.type === 'STATE' ? undefined : parsed.device;
  return { index, topic, type, device, bytes: new Uint8Array(payload), qos, retain, receivedAt: Date.now() };
}

/** Subscribes at QoS 2, so the delivered QoS is the publisher's (Sparkplug publishers use 0 or 1). */
export async function captureSparkplug(url: string, options: RawCaptureOptions = {}): Promise<RawCapture> {
  const client = await connect(url, options);
  client.on('error', () => {});
  const frames: RawFrame[] = [];
  const listeners = new Set<() => void>();
  client.on('message', (topic, payload, packet) => {
    frames.push(frameOf(frames.length, topic, payload, packet.qos, packet.retain));
    for (const listener of listeners) listener();
  });
  await client.subscribeAsync(options.topic ?? 'spBv1.0/#', { qos: 2 });
  return {
    frames,
    ofType: (type, from = 0) => frames.slice(from).filter((f) => f.type === type),
    waitFor(what, predicate, { from = 0, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.slice(from).find(predicate);
          if (!found) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          const seen = frames.slice(from).map((f) => f.topic);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen.length} frames since: ${seen.slice(-12).join(', ') || 'none'}`));
        }, timeoutMs);
        if (!check()) listeners.add(check);
      });
    },
    async publish(topic, payload, { qos = 0, retain = false } = {}) {
      await client.publishAsync(topic, Buffer.from(payload), { qos, retain });
    },
    close: () => client.endAsync(true),
  };
}

/**
 * What a new subscriber receives as retained on `topic` within waitMs: a message published with
 * the retain flag set is the only kind a broker hands to a subscription made after it was sent.
 */
export async function retainedMessages(url: string, options: RawCaptureOptions & { waitMs: number }): Promise<RawFrame[]> {
  const capture = await captureSparkplug(url, options);
  await new Promise((resolve) => setTimeout(resolve, options.waitMs));
  await capture.close();
  return capture.frames.filter((f) => f.retain);
}
