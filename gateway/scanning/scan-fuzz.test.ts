/**
 * 10,000 malformed or hostile scan payloads (fast-check) sent as pda-01 to a running gateway:
 * bad JSON, wrong types, huge strings, unknown fields, prototype-pollution keys, bad GS1 codes,
 * binary. Each is answered with a block naming the problem, or dropped and counted; the counts add
 * up; good scans sent between them and after are answered correctly; the gateway stays up.
 */
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionSchema, type Decision } from '../../devices/scan-protocol.ts';
import { demo, startScanGateway, until, type ScanGateway } from '../devices/testing/scan-gateway.ts';

const TOTAL = 10_000;
const WINDOW = 200;

/** A hostile payload and whether it carries a scanId the gateway can read (so it must be answered). */
interface Hostile {
  payload: Buffer;
  answerable: boolean;
  kind: string;
}

const validScan = (scanId: string) => ({ scanId, operator: 'op-anna', op: 'pick', code: demo.paracetamol, location: 'A01', qty: 1 });
const asText = (value: unknown, kind: string, answerable: boolean): Hostile => ({ payload: Buffer.from(JSON.stringify(value)), answerable, kind });

/** Each generator gets the scanId it may use (unique per payload). */
const generators: Array<(scanId: string) => fc.Arbitrary<Hostile>> = [
  // Not JSON at all; no scanId to read.
  () => fc.string({ maxLength: 200 }).filter((t) => { try { JSON.parse(t); return false; } catch { return true; } })
    .map((t) => ({ payload: Buffer.from(t), answerable: false, kind: 'garbage' })),
  // Broken JSON after a readable scanId: answered.
  (id) => fc.string({ maxLength: 80 }).map((tail) => ({ payload: Buffer.from(`{"scanId":"${id}","op":${tail}`), answerable: true, kind: 'truncated' })),
  // Every field of the wrong type.
  (id) => fc.record({ operator: fc.anything(), op: fc.anything(), code: fc.anything(), location: fc.anything(), qty: fc.anything() }, { requiredKeys: [] })
    .map((fields) => asText({ scanId: id, ...fields }, 'wrong-types', true)),
  // scanId itself wrong: nothing to answer to.
  () => fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string()), fc.string({ minLength: 65, maxLength: 100 }), fc.constant('has space'))
    .map((scanId) => asText({ ...validScan('x'), scanId }, 'bad-scan-id', false)),
  // Huge strings: a code past 512 characters, or a payload past 4 KiB.
  (id) => fc.integer({ min: 513, max: 20_000 }).map((n) => asText({ ...validScan(id), code: '9'.repeat(n) }, 'huge', true)),
  // Unknown fields beside a valid scan.
  (id) => fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !(k in validScan(''))), fc.jsonValue(), { minKeys: 1, maxKeys: 4 })
    .map((extra) => asText({ ...validScan(id), ...extra }, 'unknown-fields', true)),
  // Prototype pollution keys, written as JSON text so __proto__ is a real key.
  (id) => fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => ({
    payload: Buffer.from(`{"scanId":"${id}","operator":"op-anna","op":"pick","code":"${demo.paracetamol.replace(/"/g, '')}","location":"A01","${key}":{"polluted":true,"prototype":{"polluted":true}}}`),
    answerable: true, kind: 'pollution',
  })),
  // Valid shape, bad GS1: answered by the decider (BAD_CODE, UNKNOWN_ITEM ...).
  (id) => fc.oneof(
    fc.string({ minLength: 1, maxLength: 60 }),
    fc.stringMatching(/^\(01\)\d{0,16}(\(17\)\d{0,8})?(\(10\)[A-Z0-9]{0,25})?$/),
    fc.stringMatching(/^\x1d?01\d{14}17\d{6}10[A-Z0-9]{1,20}\x1d?$/),
  ).filter((code) => code.length > 0).map((code) => asText({ ...validScan(id), code }, 'bad-gs1', true)),
  // Binary.
  () => fc.uint8Array({ minLength: 1, maxLength: 600 }).map((bytes) => ({ payload: Buffer.from(bytes), answerable: false, kind: 'binary' })),
  // Valid JSON that is not an object.
  () => fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }), fc.string()).map((v) => asText(v, 'not-object', false)),
];

describe('scan service under 10,000 hostile payloads', { timeout: 90_000 }, () => {
  let site: ScanGateway;
  let client: MqttClient;
  const decisions = new Map<string, Decision>();

  beforeAll(async () => {
    site = await startScanGateway();
    client = await mqtt.connectAsync(`mqtt://127.0.0.1:${site.devicePort}`, { username: 'pda-01', password: 'pda-01-demo', protocolVersion: 4, reconnectPeriod: 0 });
    client.on('message', (_topic, payload) => {
      const decision = decisionSchema.parse(JSON.parse(payload.toString('utf8')));
      expect(decisions.has(decision.scanId), `a second answer to ${decision.scanId}`).toBe(false);
      decisions.set(decision.scanId, decision);
    });
    await client.subscribeAsync('devices/pda-01/decision', { qos: 1 });
  });

  afterAll(async () => {
    await client?.endAsync();
    await site?.close();
  });

  const dropped = () => Object.values(site.gateway.stats().scanning!.scans.dropped).reduce((a, b) => a + b, 0);
  const send = (payload: Buffer | string) => client.publish('devices/pda-01/scan', payload, { qos: 1 });

  async function goodScan(scanId: string): Promise<Decision> {
    send(JSON.stringify(validScan(scanId)));
    return until(`the decision on good scan ${scanId}`, () => decisions.get(scanId));
  }

  it('answers or drops and counts every payload, and keeps answering good scans', async () => {
    const payloads = fc.sample(fc.integer({ min: 0, max: generators.length - 1 }).chain((g) => fc.constant(g)), { numRuns: TOTAL, seed: 6 })
      .map((g, i) => fc.sample(generators[g]!(`fz-${i}`), { numRuns: 1, seed: 1000 + i })[0]!);
    const droppedBefore = dropped();
    const answeredHostile = () => [...decisions.keys()].filter((id) => !id.startsWith('good-')).length;
    const goods: Decision[] = [];

    for (let i = 0; i < TOTAL; i++) {
      send(payloads[i]!.payload);
      if ((i + 1) % 1000 === 0) goods.push(await goodScan(`good-${i + 1}`));
      // Flow control: at most WINDOW unanswered payloads in flight.
      if (i - answeredHostile() - (dropped() - droppedBefore) >= WINDOW) {
        await until('the gateway to catch up', () => i + 1 - answeredHostile() - (dropped() - droppedBefore) < WINDOW / 2);
      }
    }
    await until('every payload to be answered or dropped', () => answeredHostile() + dropped() - droppedBefore === TOTAL, 30_000);
    goods.push(await goodScan('good-after'));

    // Each answer is a block that names the problem; only payloads with a readable scanId got one.
    const byKind = new Map<string, number>();
    payloads.forEach((p, i) => {
      const decision = decisions.get(`fz-${i}`);
      if (p.answerable) expect(decision, `${p.kind} payload ${i}: ${p.payload.toString('utf8').slice(0, 120)}`).toBeDefined();
      if (!decision) return;
      byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
      expect(decision.verdict).toBe('block');
      expect(decision.reasons[0]!.message.length).toBeGreaterThan(10);
      if (decision.reasons[0]!.code === 'BAD_PAYLOAD') expect(decision.reasons[0]!.message).toMatch(/\w+: /);
    });
    const stats = site.gateway.stats().scanning!;
    expect(answeredHostile() + (dropped() - droppedBefore)).toBe(TOTAL);
    expect(stats.scans.dropped.overloaded).toBe(0);
    expect(stats.scans.notRecorded).toBe(0);
    // The prototype was not polluted by any payload.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Good scans between and after: the earliest paracetamol lot picked at its own shelf is allowed.
    expect(goods).toHaveLength(11);
    for (const good of goods) expect(good).toMatchObject({ verdict: 'allow' });
    console.log(`fuzz: ${TOTAL} payloads, answered by kind ${JSON.stringify(Object.fromEntries(byKind))}, dropped ${JSON.stringify(stats.scans.dropped)}, latency ${JSON.stringify(stats.scans.latencyMs)}, commits ${stats.scans.commits} for ${stats.scans.recorded} recorded`);
  });
});
