/**
 * A test subscriber that records and decodes every Sparkplug message on the broker, with our codec.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { decodePayload, parseSparkplugTopic, type SparkplugPayload } from '../../connectors/sparkplug/index.ts';

export interface RecordedMessage {
  topic: string;
  type: string;
  device?: string;
  payload: SparkplugPayload;
  qos: number;
  retain: boolean;
}

export interface SparkplugRecorder {
  readonly messages: RecordedMessage[];
  ofType(type: string): RecordedMessage[];
  /** Resolves with the first recorded message (from `from` on) that matches, or rejects after timeoutMs. */
  waitFor(predicate: (m: RecordedMessage) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<RecordedMessage>;
  publish(topic: string, payload: Uint8Array, options?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function recordSparkplug(url: string, topic = 'spBv1.0/#'): Promise<SparkplugRecorder> {
  const client: MqttClient = await mqtt.connectAsync(url, { protocolVersion: 4, clean: true, reconnectPeriod: 200, clientId: `recorder-${Math.random().toString(16).slice(2)}` });
  client.on('error', () => {});
  const messages: RecordedMessage[] = [];
  const listeners = new Set<() => void>();
  client.on('message', (t, payload, packet) => {
    const parsed = parseSparkplugTopic(t);
    if ('error' in parsed || parsed.type === 'STATE') return;
    let decoded: SparkplugPayload;
    try {
      decoded = decodePayload(payload);
    } catch {
      return; // tests publish malformed commands on purpose
    }
    messages.push({ topic: t, type: parsed.type, device: parsed.device, payload: decoded, qos: packet.qos, retain: packet.retain });
    for (const listener of listeners) listener();
  });
  client.on('connect', () => { void client.subscribeAsync(topic, { qos: 1 }).catch(() => {}); });
  await client.subscribeAsync(topic, { qos: 1 });
  return {
    messages,
    ofType: (type) => messages.filter((m) => m.type === type),
    waitFor(predicate, options = {}) {
      const from = options.from ?? 0;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.slice(from).find(predicate);
          if (!found) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching Sparkplug message within ${options.timeoutMs ?? 10_000} ms; got ${messages.slice(from).map((m) => m.topic).join(', ') || 'nothing'}`));
        }, options.timeoutMs ?? 10_000);
        if (!check()) listeners.add(check);
      });
    },
    async publish(t, payload, options = {}) {
      await client.publishAsync(t, Buffer.from(payload), { qos: options.qos ?? 0, retain: options.retain ?? false });
    },
    close: () => client.endAsync(true),
  };
}
