/**
 * A Sparkplug edge node on a real embedded broker with a recorder subscribed to everything, for
 * the edge node's tests. Each part registers its cleanup in `cleanups`; the test file runs them.
 */
import { freePort } from '../../bin/support/free-port.ts';
import type { TagValue } from '../../connectors/connector.ts';
import type { OutboxInput } from '../outbox/outbox.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { connectWithMqttJs, type MqttSession } from '../north/mqtt-port.ts';
import { SparkplugEdgeNode, type SparkplugEdgeNodeOptions } from '../north/sparkplug-edge-node.ts';
import { recordSparkplug } from './sparkplug-recorder.ts';
import { startTestBroker } from './test-broker.ts';

export const fixtureDevices = [{
  name: 'shelves',
  protocol: 'modbus',
  tags: [
    { name: 'B10/temperature', datatype: 'Double' as const, unit: '°C' },
    { name: 'B10/door-open', datatype: 'Boolean' as const },
    { name: 'samples', datatype: 'Int64' as const },
  ],
}];

export const fixtureSample = (tag: string, value: TagValue['value'], ts: number, extra: Partial<OutboxInput> = {}): OutboxInput =>
  ({ device: 'shelves', tag, value, quality: 'good', ts, ...extra });

export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function startEdgeNodeFixture(cleanups: Array<() => Promise<void> | void>, overrides: Partial<SparkplugEdgeNodeOptions> = {}) {
  const broker = await startTestBroker(await freePort());
  cleanups.push(() => broker.close());
  const recorder = await recordSparkplug(broker.url);
  cleanups.push(() => recorder.close());
  const outbox = overrides.outbox ?? new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 24 });
  cleanups.push(() => outbox.close());
  const sessions: MqttSession[] = [];
  const gate = { open: Promise.resolve() };
  const node = new SparkplugEdgeNode({
    group: 'plant', edge: 'gw1', url: broker.url, keepaliveS: 5, batchSize: 100, maxMetricsPerFrame: 50,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0.2 },
    devices: fixtureDevices, outbox,
    currentValue: (device, tag) => (tag === 'B10/temperature' ? { device, tag, value: 4.2, quality: 'good', ts: 1_000 } : undefined),
    connect: async (options) => {
      await gate.open;
      const session = await connectWithMqttJs(options);
      sessions.push(session);
      return session;
    },
    ...overrides,
  });
  cleanups.push(() => node.stop({ drainTimeoutMs: 100 }));
  return { broker, recorder, outbox, node, sessions, gate };
}
