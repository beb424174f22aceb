/**
 * The gateway's Prometheus metrics, in their own Registry (tests and several gateways in one
 * process never share counters). Counters the pipeline drives are incremented where things
 * happen; the rest are read from the parts' own stats at scrape time, so no part depends on
 * prom-client.
 */
import type { EdgeNodeStats } from './north/edge-node-types.ts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LinkState } from '../connectors/connector.ts';
import type { OutboxStats } from './outbox/outbox.ts';
import type { GroupStats } from './scheduler.ts';

export interface MetricSources {
  outbox(): OutboxStats;
  /** Link state per connector name, plus the north link under 'north'. */
  links(): Record<string, LinkState>;
  north(): Pick<EdgeNodeStats, 'pointsPublished' | 'framesPublished' | 'unroutablePoints' | 'historicalPointsPublished' | 'withheldPoints'
    | 'eventsPublished' | 'deviceDeaths' | 'hostOfflineDisconnects' | 'backlogRows' | 'hostOnline'>;
  scheduler(): GroupStats[];
  /** The rules runtime's figures (rules/rules-host.ts health()); absent: no rule metrics. */
  rules?(): RuleFigures;
  /** The device broker's and scan service's figures (gateway/devices/scan-station.ts); absent: no device metrics. */
  scanning?(): ScanningFigures;
}

/** What the device metrics read at scrape time (ScanningStats). */
export interface ScanningFigures {
  broker: { connected: number; authFailures: number; publishRefusals: number; subscribeRefusals: number; tlsHandshakeFailures: number } | null;
  scans: { notRecorded: number; repeats: number; badPayloads: number };
  masterData: { version: number };
}

/** Scan -> decision latency buckets (s): the goal is p99 under 10 ms on loopback. */
const SCAN_DECISION_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1];

/** What the rule metrics read (RulesHealth); `blocks` is the number of location blocks held. */
export interface RuleFigures {
  evaluations: number;
  firings: { active: number; shadow: number };
  effectsFailed: number;
  blocks: number;
}

/** A counter that follows a monotonic total kept elsewhere: each scrape adds what was added since the last. */
function followTotal(counter: Counter, read: () => number) {
  let last = read();
  return () => {
    const now = read();
    if (now > last) counter.inc(now - last);
    last = now;
  };
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly pointsRead: Counter<'device'>;
  readonly pointsQueued: Counter;
  readonly readErrors: Counter<'device' | 'code'>;
  readonly outboxAppendFailures: Counter;
  readonly #scans: Counter<'verdict'>;
  readonly #scanDecisionSeconds: Histogram;
  readonly #scanDrops: Counter<'cause'>;

  constructor(sources: MetricSources, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.pointsRead = new Counter({ name: 'edgestock_points_read_total', help: 'Tag values read from devices (good or not).', labelNames: ['device'], registers });
    this.pointsQueued = new Counter({ name: 'edgestock_points_queued_total', help: 'Values committed to the outbox after the change filter.', registers });
    this.readErrors = new Counter({ name: 'edgestock_read_errors_total', help: 'Tag reads that came back without good quality, by error code.', labelNames: ['device', 'code'], registers });
    this.outboxAppendFailures = new Counter({ name: 'edgestock_outbox_append_failures_total', help: 'Batches that could not be committed to the outbox (disk full, I/O error); their values are lost.', registers });
    this.#scans = new Counter({ name: 'edgestock_scans_total', help: 'Decisions sent to scanners, by verdict (repeats and bad payloads included).', labelNames: ['verdict'], registers });
    this.#scanDecisionSeconds = new Histogram({ name: 'edgestock_scan_decision_seconds', help: 'From a scan payload arriving at the device broker to its decision being published.', buckets: SCAN_DECISION_BUCKETS, registers });
    this.#scanDrops = new Counter({ name: 'edgestock_scan_payloads_dropped_total', help: 'Device payloads that got no decision, by cause (tooLarge, notJson, noScanId, badReading, overloaded, publishFailed).', labelNames: ['cause'], registers });

    const follow = (name: string, help: string, read: () => number) => {
      const counter: Counter = new Counter({ name, help, registers, collect: () => sync() });
      const sync = followTotal(counter, read);
    };
    follow('edgestock_points_published_total', 'Values published north and acknowledged by the broker (PUBACK).', () => sources.north().pointsPublished);
    follow('edgestock_frames_published_total', 'DDATA frames published north and acknowledged.', () => sources.north().framesPublished);
    follow('edgestock_points_unroutable_total', 'Outbox values of devices or tags not in the birth certificates, removed unsent.', () => sources.north().unroutablePoints);
    follow('edgestock_points_dropped_total', 'Values dropped by the outbox byte budget (oldest first).', () => sources.outbox().dropped);
    follow('edgestock_points_historical_total', 'Backlog values replayed north flagged isHistorical (store and forward), acknowledged.', () => sources.north().historicalPointsPublished);
    follow('edgestock_points_withheld_total', 'Bad values of a dead device (after its DDEATH), removed unsent.', () => sources.north().withheldPoints);
    follow('edgestock_events_published_total', 'Edge events, acks and config reports published on the edge link and acknowledged.', () => sources.north().eventsPublished);
    follow('edgestock_device_deaths_total', 'DDEATH messages published for devices whose link went down.', () => sources.north().deviceDeaths);
    follow('edgestock_host_offline_disconnects_total', 'Sessions ended because the primary host application went offline.', () => sources.north().hostOfflineDisconnects);

    const skippedSeen = new Map<string, number>();
    new Counter({
      name: 'edgestock_skipped_ticks_total', help: 'Poll ticks skipped because the previous read of the group was still running.',
      labelNames: ['device', 'group'], registers,
      collect() {
        for (const g of sources.scheduler()) {
          const key = `${g.connector}\u0000${g.group}`;
          this.inc({ device: g.connector, group: g.group }, Math.max(0, g.skippedTicks - (skippedSeen.get(key) ?? 0)));
          skippedSeen.set(key, g.skippedTicks);
        }
      },
    });

    const rules = sources.rules;
    if (rules) {
      follow('edgestock_rule_evaluations_total', 'Rule evaluations (active and shadow packs).', () => rules().evaluations);
      follow('edgestock_rule_effects_failed_total', 'Effects of live rules the gateway could not carry out (a tag write the device refused, ...).', () => rules().effectsFailed);
      const firingsSeen = { active: 0, shadow: 0 };
      new Counter({
        name: 'edgestock_rule_firings_total', help: 'Rule evaluations that decided effects: mode "active" carried out, "shadow" only logged.',
        labelNames: ['mode'], registers,
        collect() {
          const firings = rules().firings;
          for (const mode of ['active', 'shadow'] as const) {
            this.inc({ mode }, Math.max(0, firings[mode] - firingsSeen[mode]));
            firingsSeen[mode] = firings[mode];
          }
        },
      });
      new Gauge({ name: 'edgestock_location_blocks', help: 'Operations blocked at locations by rules (put-away at a shelf out of range, ...).', registers, collect() { this.set(rules().blocks); } });
    }

    const scanning = sources.scanning;
    if (scanning) {
      const broker = () => scanning().broker;
      follow('edgestock_device_auth_failures_total', 'Device logins refused by the local device broker (unknown device, wrong password).', () => broker()?.authFailures ?? 0);
      follow('edgestock_device_publish_refusals_total', 'Device publishes outside the device\'s own topics (the connection was closed).', () => broker()?.publishRefusals ?? 0);
      follow('edgestock_device_subscribe_refusals_total', 'Device subscriptions outside the device\'s own decisions (SUBACK failure).', () => broker()?.subscribeRefusals ?? 0);
      follow('edgestock_device_tls_handshake_failures_total', 'Failed MQTTS handshakes on the device broker.', () => broker()?.tlsHandshakeFailures ?? 0);
      follow('edgestock_scans_not_recorded_total', 'Scans answered with a block because their event could not be committed to the outbox.', () => scanning().scans.notRecorded);
      follow('edgestock_scan_repeats_total', 'Repeated scan ids answered with the first decision.', () => scanning().scans.repeats);
      new Gauge({ name: 'edgestock_devices_connected', help: 'Devices connected to the local device broker.', registers, collect() { this.set(broker()?.connected ?? 0); } });
      new Gauge({ name: 'edgestock_master_data_version', help: 'The master-data version held (0 = a seed file or nothing).', registers, collect() { this.set(scanning().masterData.version); } });
    }

    new Gauge({ name: 'edgestock_outbox_bytes', help: 'Accounted bytes queued in the outbox.', registers, collect() { this.set(sources.outbox().bytes); } });
    new Gauge({ name: 'edgestock_outbox_rows', help: 'Values queued in the outbox.', registers, collect() { this.set(sources.outbox().rows); } });
    new Gauge({ name: 'edgestock_outbox_max_bytes', help: 'The outbox byte budget.', registers, collect() { this.set(sources.outbox().maxBytes); } });
    new Gauge({ name: 'edgestock_outbox_backlog_rows', help: 'Rows queued before the current session still to be replayed (all rows while disconnected).', registers, collect() { this.set(sources.north().backlogRows); } });
    new Gauge({
      name: 'edgestock_primary_host_online', help: '1 when the primary host application says online, 0 when not; absent without north.primaryHostId.', registers,
      collect() {
        const online = sources.north().hostOnline;
        if (online !== null) this.set(online ? 1 : 0);
      },
    });
    new Gauge({
      name: 'edgestock_link_up', help: '1 when the link (a connector, or "north") is up, else 0.', labelNames: ['link'], registers,
      collect() {
        for (const [link, state] of Object.entries(sources.links())) this.set({ link }, state === 'up' ? 1 : 0);
      },
    });
  }

  /** A decision was sent to a device, `seconds` after its scan arrived. */
  scanDecided(verdict: string, seconds: number): void {
    this.#scans.inc({ verdict });
    this.#scanDecisionSeconds.observe(seconds);
  }

  /** A device payload got no decision. */
  scanDropped(cause: string): void {
    this.#scanDrops.inc({ cause });
  }
}
