/**
 * Outbox records -> DDATA frames: grouped by device (keeping each device's order, so the values of
 * one metric stay in time order [tck-id-operational-behavior-data-publish-dbirth-order]), at most
 * `maxMetricsPerFrame` metrics per frame, metrics by alias only
 * [tck-id-payloads-alias-data-cmd-requirement], each with the time it was read
 * [tck-id-payloads-name-birth-data-requirement].
 *
 * Every sample record becomes a metric [tck-id-topics-ddata-payload]: what changed enough to be
 * sent was decided before the outbox (gateway/change-filter.ts), including the heartbeat of an
 * unchanged value every heartbeatMs, which [tck-id-operational-behavior-data-publish-dbirth-change]
 * says SHOULD NOT be sent.
 *
 * A metric that is not GOOD carries the Sparkplug 'Quality' property and, when the reading has an
 * error code (connectors/errors.ts), our custom String property 'errorCode' (docs/sparkplug-wire.md).
 *
 * The datatype is included although [tck-id-payloads-metric-datatype-not-req] says SHOULD NOT:
 * our codec needs it to pick the value field, and it lets the cloud decode a frame whose birth it
 * missed.
 */
import type { SparkplugMetric } from '../../connectors/sparkplug/index.ts';
import type { OutboxRecord } from '../outbox/outbox.ts';
import type { MetricCatalog } from './metric-catalog.ts';
import { metricValue } from './metric-values.ts';

export interface DdataFrame {
  device: string;
  metrics: SparkplugMetric[];
}

export interface DdataBatch {
  frames: DdataFrame[];
  points: number;
  /**
   * Sample records that cannot travel as DDATA: devices or tags this edge node never announced in
   * a birth (e.g. queued before a configuration change). Event records are not samples and are
   * skipped, not counted: the edge node publishes them on the edge link.
   */
  unroutable: number;
  /** Values that did not fit their datatype; sent as null with BAD quality. */
  unfit: number;
}

export function buildDdataFrames(records: readonly OutboxRecord[], catalog: MetricCatalog, options: {
  maxMetricsPerFrame: number;
  /** Store-and-forward replay: every metric is flagged isHistorical. */
  historical: boolean;
}): DdataBatch {
  const byDevice = new Map<string, SparkplugMetric[]>();
  let unroutable = 0;
  let unfit = 0;
  for (const record of records) {
    if (record.kind !== 'sample') continue;
    const entry = catalog.entry(record.device, record.tag);
    if (!entry) {
      unroutable++;
      continue;
    }
    const { fields, lost } = metricValue(record, entry.datatype);
    if (lost) unfit++;
    const metric: SparkplugMetric = { alias: entry.alias, timestamp: record.ts, datatype: entry.datatype, ...fields };
    if (options.historical) metric.isHistorical = true;
    let metrics = byDevice.get(record.device);
    if (!metrics) byDevice.set(record.device, (metrics = []));
    metrics.push(metric);
  }
  const frames: DdataFrame[] = [];
  let points = 0;
  for (const [device, metrics] of byDevice) {
    points += metrics.length;
    for (let i = 0; i < metrics.length; i += options.maxMetricsPerFrame) {
      frames.push({ device, metrics: metrics.slice(i, i + options.maxMetricsPerFrame) });
    }
  }
  return { frames, points, unroutable, unfit };
}
