/**
 * One PDA: logs in to the device broker as its device id, listens on its own decision topic
 * (QoS 1) and scans as its operator does (scan-planner.ts), one scan at a time: the next scan
 * waits until the last is decided, as a person waits for the beep. The wire format is the scan
 * protocol's (docs/scan-protocol.md), written here from the document rather than imported.
 *
 * It reacts to decisions as an operator would:
 *   - FEFO warning with a suggestion: scan the suggested batch at the suggested location instead;
 *   - put-away blocked on a shelf out of range (or blocked, or without a reading): put away on
 *     the suggested shelf or another one fit for the item;
 *   - near-expiry warning on a pick: an operator whose role may force-ship confirms the override
 *     (a new scan with `override: force_ship_near_expiry`), others leave the lot;
 *   - no decision within resendAfterMs: the same scan again, same scanId (the gateway answers a
 *     repeated id with its first decision), up to maxResends times.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { FleetStats, Verdict } from './fleet-stats.ts';
import { codeOf, type Load, type ScanPlanner, type ScanTask } from './scan-planner.ts';
import type { Random } from './seeded-random.ts';

export interface DeviceLogin { id: string; password: string; operator: string }

/** The scan as published on `devices/{id}/scan`. */
export interface WireScan {
  scanId: string; operator: string; op: ScanTask['op']; code: string;
  location?: string; qty?: number; override?: string; at: number;
}
/** The parts of a decision the PDA reads. */
export interface WireDecision {
  scanId: string;
  verdict: Verdict;
  reasons: Array<{ code: string; message: string }>;
  prompt?: { en: string; zh: string };
  suggestion?: { location: string; batch?: string };
  [key: string]: unknown;
}

export interface DecisionEvent {
  deviceId: string;
  operator: string;
  scan: WireScan;
  decision: WireDecision;
  latencyMs: number;
  resends: number;
}

/** The subset of a pino logger the fleet uses. */
export interface FleetLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ScannerDeviceOptions {
  url: string;
  login: DeviceLogin;
  planner: ScanPlanner;
  random: Random;
  stats: FleetStats;
  /** Mean scans per second started by this PDA (Poisson arrivals); reactions come on top. */
  ratePerSecond: number;
  resendAfterMs: number;
  maxResends: number;
  /** How long the operator takes to react to a decision. */
  reactionDelayMs: number;
  mayOverride(operator: string, override: string): boolean;
  logger?: FleetLogger;
  onDecision?: (event: DecisionEvent) => void;
}

const FORCE_SHIP = 'force_ship_near_expiry';
/** Put-away refusals that send the operator to another shelf. */
const shelfRefusals = new Set(['SHELF_OUT_OF_RANGE', 'LOCATION_BLOCKED', 'SHELF_NO_READING']);
const verdicts = new Set<string>(['allow', 'warn', 'block']);

interface Pending { task: ScanTask; scan: WireScan; payload: string; sentAt: number; resends: number; timer: NodeJS.Timeout }

export class ScannerDevice {
  readonly id: string;
  readonly operator: string;
  readonly #opts: ScannerDeviceOptions;
  readonly #client: MqttClient;
  readonly #scanTopic: string;
  readonly #decisionTopic: string;
  /** Scan ids stay unique per device across simulator restarts: a repeated id gets an old decision. */
  readonly #idPrefix = Date.now().toString(36);
  readonly #pending = new Map<string, Pending>();
  #seq = 0;
  #load: Load | undefined;
  #tickTimer: NodeJS.Timeout | undefined;
  #reactionTimer: NodeJS.Timeout | undefined;
  #lastError: string | undefined;
  #closed = false;

  constructor(opts: ScannerDeviceOptions) {
    this.#opts = opts;
    this.id = opts.login.id;
    this.operator = opts.login.operator;
    this.#scanTopic = `devices/${this.id}/scan`;
    this.#decisionTopic = `devices/${this.id}/decision`;
    // MQTT 3.1.1 (the device broker's aedes speaks it); the device id is the username the ACL keys on.
    this.#client = mqtt.connect(opts.url, {
      clientId: this.id, username: this.id, password: opts.login.password,
      protocolVersion: 4, clean: true, reconnectPeriod: 1000, connectTimeout: 5000,
    });
    this.#client.on('connect', () => {
      this.#lastError = undefined;
      // A scan is one small write after the PUBACK of the last decision: with Nagle's algorithm on
      // it would wait for the broker's delayed ACK (~40 ms on Linux) before leaving.
      (this.#client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
      this.#client.subscribe(this.#decisionTopic, { qos: 1 }, (err, granted) => {
        // A refused subscription comes back granted with QoS 128 [MQTT-3.9.3-2].
        if (err || granted?.some((g) => g.qos === 128)) opts.logger?.warn({ device: this.id, err: err?.message }, 'decision topic subscription refused');
      });
      opts.logger?.info({ device: this.id, operator: this.operator }, 'PDA connected');
    });
    this.#client.on('error', (err) => {
      if (err.message === this.#lastError) return;
      this.#lastError = err.message;
      opts.logger?.warn({ device: this.id, err: err.message }, 'PDA cannot connect; retrying every second');
    });
    this.#client.on('message', (topic, payload) => {
      if (topic === this.#decisionTopic) this.#onDecision(payload);
    });
    this.#scheduleTick();
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  /** Resolves once the MQTT session is up. */
  whenConnected(): Promise<void> {
    if (this.#client.connected) return Promise.resolve();
    return new Promise((resolve) => this.#client.once('connect', () => resolve()));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#tickTimer);
    clearTimeout(this.#reactionTimer);
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
    await this.#client.endAsync(true);
  }

  #scheduleTick(): void {
    if (this.#closed || this.#opts.ratePerSecond <= 0) return;
    this.#tickTimer = setTimeout(() => {
      // One scan at a time, and none without a session (the PDA shows "no connection").
      if (this.#client.connected && this.#pending.size === 0 && this.#reactionTimer === undefined) {
        this.#send(this.#opts.planner.next(this.#load));
      }
      this.#scheduleTick();
    }, this.#opts.random.exponential(1000 / this.#opts.ratePerSecond));
  }

  #send(task: ScanTask): void {
    const scan = toWireScan(task, `${this.id}.${this.#idPrefix}.${++this.#seq}`, this.operator);
    const payload = JSON.stringify(scan);
    const pending: Pending = { task, scan, payload, sentAt: performance.now(), resends: 0, timer: setTimeout(() => this.#unanswered(scan.scanId), this.#opts.resendAfterMs) };
    this.#pending.set(scan.scanId, pending);
    this.#opts.stats.sent++;
    this.#publish(payload);
  }

  #publish(payload: string): void {
    this.#client.publish(this.#scanTopic, payload, { qos: 1 }, () => {
      // A lost session is covered by the resend; mqtt.js reports it here as an error.
    });
  }

  #unanswered(scanId: string): void {
    const pending = this.#pending.get(scanId);
    if (!pending || this.#closed) return;
    if (pending.resends < this.#opts.maxResends) {
      pending.resends++;
      this.#opts.stats.resends++;
      this.#publish(pending.payload);
      pending.timer = setTimeout(() => this.#unanswered(scanId), this.#opts.resendAfterMs);
      return;
    }
    this.#pending.delete(scanId);
    this.#opts.stats.unanswered++;
    this.#opts.logger?.warn({ device: this.id, scanId, op: pending.scan.op, resends: pending.resends }, 'no decision; scan given up');
  }

  #onDecision(payload: Buffer): void {
    const decision = parseDecision(payload);
    if (!decision) {
      this.#opts.stats.badDecisions++;
      return;
    }
    const pending = this.#pending.get(decision.scanId);
    if (!pending) {
      this.#opts.stats.late++;
      return;
    }
    clearTimeout(pending.timer);
    this.#pending.delete(decision.scanId);
    const latencyMs = performance.now() - pending.sentAt;
    this.#opts.stats.decision(decision.verdict, latencyMs);
    this.#opts.onDecision?.({ deviceId: this.id, operator: this.operator, scan: pending.scan, decision, latencyMs, resends: pending.resends });
    this.#react(pending.task, decision);
  }

  #react(task: ScanTask, decision: WireDecision): void {
    const { planner, stats } = this.#opts;
    const codes = new Set(decision.reasons.map((r) => r.code));
    const suggestion = decision.suggestion;
    if (task.op === 'pick' && codes.has('FEFO') && suggestion?.batch !== undefined) {
      stats.reactions.fefoRescans++;
      this.#followUp(planner.pickOf(task.label.gtin, suggestion.batch, suggestion.location, task.qty ?? 1));
      return;
    }
    if (task.op === 'pick' && decision.verdict === 'warn' && codes.has('NEAR_EXPIRY') && task.override === undefined) {
      if (this.#opts.mayOverride(this.operator, FORCE_SHIP)) {
        stats.reactions.overrides++;
        this.#followUp(planner.withOverride(task, FORCE_SHIP));
      } else {
        stats.reactions.nearExpirySkipped++;
      }
      return;
    }
    if (task.op === 'putaway' && decision.verdict === 'block') {
      const load: Load = { gtin: task.label.gtin, batch: task.label.batch ?? '', qty: task.qty ?? 1 };
      const retry = [...decision.reasons].some((r) => shelfRefusals.has(r.code))
        ? planner.putaway(load, [...(task.triedShelves ?? []), task.location ?? ''], suggestion?.location)
        : undefined;
      if (retry) {
        stats.reactions.putawayRetries++;
        this.#followUp(retry);
      } else {
        stats.reactions.putawaysAbandoned++;
        this.#load = undefined;
      }
      return;
    }
    if (decision.verdict === 'block') return;
    const held = planner.apply(task);
    if (task.op === 'receive') this.#load = held;
    if (task.op === 'putaway') this.#load = undefined;
  }

  #followUp(task: ScanTask): void {
    clearTimeout(this.#reactionTimer);
    this.#reactionTimer = setTimeout(() => {
      this.#reactionTimer = undefined;
      if (!this.#closed) this.#send(task);
    }, this.#opts.reactionDelayMs);
  }
}

/** The scan message for a task (docs/scan-protocol.md). */
export function toWireScan(task: ScanTask, scanId: string, operator: string, at = Date.now()): WireScan {
  return {
    scanId,
    operator,
    op: task.op,
    code: codeOf(task),
    ...(task.location !== undefined ? { location: task.location } : {}),
    ...(task.qty !== undefined ? { qty: task.qty } : {}),
    ...(task.override !== undefined ? { override: task.override } : {}),
    at,
  };
}

/** The decision if the payload is the protocol's JSON (the fields the PDA reads), else undefined. */
export function parseDecision(payload: Buffer | string): WireDecision | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString());
  } catch {
    return undefined;
  }
  const d = value as Partial<WireDecision> | null;
  if (typeof d !== 'object' || d === null || typeof d.scanId !== 'string' || !verdicts.has(d.verdict as string) || !Array.isArray(d.reasons)) return undefined;
  if (!d.reasons.every((r) => typeof r === 'object' && r !== null && typeof r.code === 'string')) return undefined;
  if (d.suggestion !== undefined && (typeof d.suggestion !== 'object' || d.suggestion === null || typeof d.suggestion.location !== 'string')) return undefined;
  return d as WireDecision;
}
