/**
 * Turns what devices publish into decisions (issue 6, docs/scan-protocol.md):
 *   payload -> size, JSON, scanSchema -> decider -> `scan.decision` event committed to the outbox
 *   -> decision published on `devices/<id>/decision` (QoS 1).
 * The event is committed before the decision leaves, so a scan the operator saw answered is never
 * lost (DESIGN.md "Nothing acknowledged is lost"); when the outbox cannot commit, the answer is a
 * block saying so, and the scan is not booked.
 *
 * A payload that is not a valid scan is answered with a block naming the field and the fix when a
 * scanId can be read from it, else dropped and counted by cause: a device always hears about its
 * own mistakes, and garbage costs nothing. A repeated scanId of a device gets the first decision
 * again and no new event (a device retrying after a lost PUBACK books nothing twice).
 *
 * Scans of different devices are decided concurrently, each device's in order. Events of scans
 * decided within the same tick are committed in one outbox transaction (group commit): one fsync
 * for many scans keeps p99 flat when a fleet scans at once.
 *
 * Readings (`devices/<id>/reading`) update the in-memory DeviceReadings the shelf environment
 * view reads.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../connectors/clock.ts';
import { decisionSchema, deviceTopic, readingSchema, scanSchema, type Decision, type Scan, type Verdict } from '../../devices/scan-protocol.ts';
import { EdgeEvents } from '../events/edge-events.ts';
import { EdgeLinkOutbox } from '../events/edge-link-outbox.ts';
import type { Outbox, OutboxInput } from '../outbox/outbox.ts';
import type { DeviceReadings } from './environment.ts';
import type { ScanDecider, ScanDecisionEventBody, ScanOutcome } from './scan-ports.ts';
import { scanPrompts } from './scan-prompts.ts';

/** Largest scan or reading payload read (bytes); a scan's code is at most 512 characters. */
export const MAX_PAYLOAD_BYTES = 4096;
export const SCAN_DECISION_EVENT = 'scan.decision';

/** Why a payload got no decision. */
export const dropCauses = ['tooLarge', 'notJson', 'noScanId', 'badReading', 'overloaded', 'publishFailed'] as const;
export type DropCause = (typeof dropCauses)[number];

export interface ScanServiceOptions {
  decider: ScanDecider;
  /** Where scan events are committed (the gateway's outbox) and how the publisher is woken. */
  outbox: Pick<Outbox, 'append'>;
  notify(): void;
  /** Publishes a decision to the device (the device broker, QoS 1). */
  publish(topic: string, payload: string): Promise<void>;
  readings: Pick<DeviceReadings, 'update'>;
  /** The master-data version decisions are made with, for the event. */
  masterDataVersion(): number;
  /** Whether the link to the cloud is down (events wait in the outbox). */
  offline(): boolean;
  clock: Clock;
  logger: Logger;
  /** One outbox transaction per tick's worth of scans (default) or one per scan. */
  groupCommit?: boolean;
  /** How many decisions are remembered for repeated scanIds (default 20,000). */
  rememberedDecisions?: number;
  /** Scans of one device waiting to be decided before more are dropped (default 1,000). */
  maxQueuedPerDevice?: number;
  /** Told of each decision sent (latency from the payload's arrival) and each drop, for metrics. */
  observer?: ScanObserver;
}

export interface ScanObserver {
  decided(verdict: Verdict, seconds: number): void;
  dropped(cause: DropCause): void;
}

export interface ScanServiceStats {
  /** Decisions sent by verdict (repeats and bad payloads included). */
  verdicts: Record<Verdict, number>;
  /** Scans decided and recorded (a `scan.decision` event committed). */
  recorded: number;
  /** Repeated scanIds answered with the first decision. */
  repeats: number;
  /** Payloads answered with a BAD_PAYLOAD block. */
  badPayloads: number;
  /** Scans answered with a block because the outbox could not commit their event. */
  notRecorded: number;
  /** Payloads with no decision, by cause. */
  dropped: Record<DropCause, number>;
  readings: number;
  /** Outbox transactions that carried scan events (fewer than `recorded` under group commit). */
  commits: number;
  /** Scan -> decision latency over the last 1,024 decisions (ms); null before the first. */
  latencyMs: { p50: number; p99: number; max: number } | null;
}

export interface ScanService {
  /** From the device broker: a payload a device published on its own scan or reading topic. */
  onMessage(deviceId: string, channel: 'scan' | 'reading', payload: Buffer): void;
  stats(): ScanServiceStats;
  /** Resolves when every scan received so far has been answered (tests, close). */
  idle(): Promise<void>;
}

/** A scanId as scanSchema accepts it, read from a payload that is not a valid scan. */
const SCAN_ID = /^[A-Za-z0-9._\-]{1,64}$/;
const SCAN_ID_IN_TEXT = /"scanId"\s*:\s*"([A-Za-z0-9._\-]{1,64})"/;
const LATENCY_WINDOW = 1024;

/** `scan-<device>-<scanId>`, or a digest of both when that is longer than an event id may be. */
export function scanEventId(deviceId: string, scanId: string): string {
  const id = `scan-${deviceId}-${scanId}`;
  return id.length <= 128 ? id : `scan-h-${createHash('sha256').update(`${deviceId}/${scanId}`).digest('hex')}`;
}

const NOT_DECIDED = 'the gateway could not decide this scan';

/** A block decision for a scan the gateway could not take (bad payload, store failure). */
function blockOf(scanId: string, code: 'BAD_PAYLOAD' | 'NOT_RECORDED', problem: string, now: number): Decision {
  const prompt = code === 'BAD_PAYLOAD' ? scanPrompts.BAD_PAYLOAD({ problem })
    : scanPrompts.NOT_RECORDED({ cause: problem === NOT_DECIDED ? 'undecided' : 'store-refused' });
  return { scanId, verdict: 'block', reasons: [{ code, message: prompt.en }], prompt, signal: 'vibrate', decidedAt: now };
}

/** "field: what is wrong" for each zod issue, paths as the payload's keys. */
function problemOf(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || 'payload'}: ${i.message}`).join('; ')
    + (issues.length > 3 ? `; and ${issues.length - 3} more` : '');
}

interface Remembered {
  text: string;
  verdict: Verdict;
}

/** A Map in insertion order, oldest forgotten first; a hit moves an entry to the newest end. */
class RecentDecisions {
  readonly #map = new Map<string, Remembered>();
  constructor(readonly limit: number) {}
  get(key: string): Remembered | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }
  set(key: string, value: Remembered): void {
    this.#map.set(key, value);
    if (this.#map.size > this.limit) this.#map.delete(this.#map.keys().next().value!);
  }
}

export function createScanService(options: ScanServiceOptions): ScanService {
  const { decider, clock, logger } = options;
  const groupCommit = options.groupCommit ?? true;
  const maxQueued = options.maxQueuedPerDevice ?? 1000;
  const recent = new RecentDecisions(options.rememberedDecisions ?? 20_000);
  const counts = {
    verdicts: { allow: 0, warn: 0, block: 0 } as Record<Verdict, number>,
    recorded: 0, repeats: 0, badPayloads: 0, notRecorded: 0, readings: 0, commits: 0,
    dropped: Object.fromEntries(dropCauses.map((c) => [c, 0])) as Record<DropCause, number>,
  };
  const latencies = new Float64Array(LATENCY_WINDOW);
  let latencyCount = 0;

  // Events are checked and laid out as rows by the gateway's own EdgeEvents/EdgeLinkOutbox, but
  // collected here and committed by flush(): one transaction for every scan of the tick.
  let pending: OutboxInput[] = [];
  let batch: { done: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  const collector = new EdgeLinkOutbox({ outbox: { append: (rows) => (pending.push(...rows), 0) }, notify: () => {}, clock });
  const events = new EdgeEvents({ link: collector, clock });

  const flush = () => {
    const rows = pending;
    const current = batch!;
    pending = [];
    batch = undefined;
    try {
      options.outbox.append(rows);
      counts.commits++;
      current.resolve();
      options.notify();
    } catch (error) {
      current.reject(error);
    }
  };

  /** Commits the event; resolves once it is durable (with the scans of this tick, under group commit). */
  const record = (deviceId: string, body: ScanDecisionEventBody): Promise<void> => {
    const before = pending.length;
    try {
      events.emit(SCAN_DECISION_EVENT, body, { id: scanEventId(deviceId, body.scan.scanId) });
    } catch (error) {
      pending.length = before;
      return Promise.reject(error);
    }
    if (!groupCommit) {
      const rows = pending;
      pending = [];
      try {
        options.outbox.append(rows);
      } catch (error) {
        return Promise.reject(error);
      }
      counts.commits++;
      options.notify();
      return Promise.resolve();
    }
    if (!batch) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
      batch = { done, resolve, reject };
      setImmediate(flush);
    }
    return batch.done;
  };

  const send = async (deviceId: string, decision: Decision | Remembered, receivedAt: number): Promise<void> => {
    const { text, verdict } = 'text' in decision ? decision : { text: JSON.stringify(decision), verdict: decision.verdict };
    try {
      await options.publish(deviceTopic(deviceId, 'decision'), text);
    } catch (error) {
      counts.dropped.publishFailed++;
      options.observer?.dropped('publishFailed');
      logger.warn({ err: error, device: deviceId }, 'cannot publish a decision to the device');
      return;
    }
    const elapsedMs = performance.now() - receivedAt;
    latencies[latencyCount++ % LATENCY_WINDOW] = elapsedMs;
    counts.verdicts[verdict]++;
    options.observer?.decided(verdict, elapsedMs / 1000);
  };

  const drop = (cause: DropCause, deviceId: string, detail: string) => {
    counts.dropped[cause]++;
    options.observer?.dropped(cause);
    logger.debug({ device: deviceId, cause }, `device payload dropped: ${detail}`);
  };

  const badPayload = (deviceId: string, scanId: string, problem: string, receivedAt: number): Promise<void> => {
    counts.badPayloads++;
    logger.info({ device: deviceId, scanId, problem }, 'scan refused: bad payload');
    return send(deviceId, blockOf(scanId, 'BAD_PAYLOAD', problem, clock.now()), receivedAt);
  };

  /** Decides one valid scan; runs in the device's queue, so a repeat finds the first decision. */
  const decide = async (deviceId: string, scan: Scan, receivedAt: number): Promise<void> => {
    const key = `${deviceId}\u0000${scan.scanId}`;
    const earlier = recent.get(key);
    if (earlier !== undefined) {
      counts.repeats++;
      return send(deviceId, earlier, receivedAt);
    }
    const now = clock.now();
    let outcome: ScanOutcome;
    try {
      outcome = await decider.decide(scan, { deviceId, now });
    } catch (error) {
      // The decider reports findings as reasons; throwing is a bug, not the scan's fault.
      logger.error({ err: error, device: deviceId, scanId: scan.scanId }, 'the scan decider threw (a bug)');
      counts.notRecorded++;
      return send(deviceId, blockOf(scan.scanId, 'NOT_RECORDED', NOT_DECIDED, clock.now()), receivedAt);
    }
    const body: ScanDecisionEventBody = {
      device: deviceId, scan, decision: outcome.decision, masterDataVersion: options.masterDataVersion(), offline: options.offline(),
      ...(outcome.parsed ? { parsed: outcome.parsed } : {}),
    };
    try {
      await record(deviceId, body);
    } catch (error) {
      counts.notRecorded++;
      logger.error({ err: error, device: deviceId, scanId: scan.scanId }, 'cannot record a scan event; the scan is answered with a block');
      return send(deviceId, blockOf(scan.scanId, 'NOT_RECORDED', 'its event store refused the write', clock.now()), receivedAt);
    }
    counts.recorded++;
    const remembered = { text: JSON.stringify(outcome.decision), verdict: outcome.decision.verdict };
    recent.set(key, remembered);
    return send(deviceId, remembered, receivedAt);
  };

  /** What to do with a scan payload: a decision job to queue, or nothing (answered or dropped). */
  const triage = (deviceId: string, payload: Buffer, receivedAt: number): (() => Promise<void>) | undefined => {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      const scanId = SCAN_ID_IN_TEXT.exec(payload.subarray(0, MAX_PAYLOAD_BYTES).toString('utf8'))?.[1];
      const problem = `payload: ${payload.length} bytes, expected at most ${MAX_PAYLOAD_BYTES}; send one scan per message with a code of at most 512 characters`;
      if (scanId === undefined) {
        drop('tooLarge', deviceId, problem);
        return undefined;
      }
      return () => badPayload(deviceId, scanId, problem, receivedAt);
    }
    const text = payload.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const scanId = SCAN_ID_IN_TEXT.exec(text)?.[1];
      const problem = `payload: not JSON (${(error as Error).message}); send a JSON object such as {"scanId":"s1","operator":"op-anna","op":"pick","code":"(01)...","location":"B12"}`;
      if (scanId === undefined) {
        drop('notJson', deviceId, problem);
        return undefined;
      }
      return () => badPayload(deviceId, scanId, problem, receivedAt);
    }
    const parsed = scanSchema.safeParse(json);
    if (parsed.success) return () => decide(deviceId, parsed.data, receivedAt);
    const scanId = typeof json === 'object' && json !== null && !Array.isArray(json) && Object.hasOwn(json, 'scanId')
      ? (json as Record<string, unknown>).scanId : undefined;
    if (typeof scanId !== 'string' || !SCAN_ID.test(scanId)) {
      drop('noScanId', deviceId, 'no valid scanId to answer to');
      return undefined;
    }
    const problem = problemOf(parsed.error.issues);
    return () => badPayload(deviceId, scanId, problem, receivedAt);
  };

  /** Per device: the tail of its queue and how many wait in it. */
  const queues = new Map<string, { tail: Promise<void>; waiting: number }>();
  const inFlight = new Set<Promise<void>>();

  const enqueue = (deviceId: string, job: () => Promise<void>) => {
    let queue = queues.get(deviceId);
    if (!queue) queues.set(deviceId, (queue = { tail: Promise.resolve(), waiting: 0 }));
    if (queue.waiting >= maxQueued) {
      drop('overloaded', deviceId, `more than ${maxQueued} scans of this device wait to be decided`);
      return;
    }
    queue.waiting++;
    const q = queue;
    const run = q.tail.then(job).catch((error: unknown) => logger.error({ err: error, device: deviceId }, 'a scan job failed (a bug)')).finally(() => {
      q.waiting--;
      inFlight.delete(run);
      if (q.waiting === 0 && queues.get(deviceId) === q) queues.delete(deviceId);
    });
    q.tail = run;
    inFlight.add(run);
  };

  const onReading = (deviceId: string, payload: Buffer) => {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      drop('badReading', deviceId, `reading of ${payload.length} bytes, expected at most ${MAX_PAYLOAD_BYTES}`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      drop('badReading', deviceId, 'reading is not JSON');
      return;
    }
    const parsed = readingSchema.safeParse(json);
    if (!parsed.success) {
      drop('badReading', deviceId, problemOf(parsed.error.issues));
      return;
    }
    options.readings.update(deviceId, parsed.data, clock.now());
    counts.readings++;
  };

  return {
    onMessage(deviceId, channel, payload) {
      const receivedAt = performance.now();
      if (channel === 'reading') {
        onReading(deviceId, payload);
        return;
      }
      const job = triage(deviceId, payload, receivedAt);
      if (job) enqueue(deviceId, job);
    },
    stats() {
      const n = Math.min(latencyCount, LATENCY_WINDOW);
      let latencyMs: ScanServiceStats['latencyMs'] = null;
      if (n > 0) {
        const sorted = Array.from(latencies.subarray(0, n)).sort((a, b) => a - b);
        const at = (q: number) => Math.round(sorted[Math.min(n - 1, Math.floor(q * n))]! * 1000) / 1000;
        latencyMs = { p50: at(0.5), p99: at(0.99), max: at(1) };
      }
      return { ...counts, verdicts: { ...counts.verdicts }, dropped: { ...counts.dropped }, latencyMs };
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** For tests and tools: the decision JSON a device receives, checked. */
export function parseDecision(payload: Buffer | string): Decision {
  return decisionSchema.parse(JSON.parse(payload.toString()));
}
