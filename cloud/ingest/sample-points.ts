/**
 * From Sparkplug metrics to what the store keeps: definitions from a birth, samples from births
 * and DATA. Pure; the ingest decides what to do with them.
 */
import {
  ERROR_CODE_PROPERTY, qualityFromSparkplug, QUALITY_PROPERTY, type SparkplugMetric, type SparkplugPayload,
} from '../../connectors/sparkplug/index.ts';
import type { MetricDefinition, TelemetryPoint } from '../store/telemetry-store.ts';
import { RejectedFrame } from './rejected-frame.ts';

export function stringProperty(metric: SparkplugMetric, name: string): string | null {
  const value = metric.properties?.[name]?.value;
  return typeof value === 'string' ? value : null;
}

/** The bdSeq metric of an NBIRTH or NDEATH [tck-id-payloads-nbirth-bdseq] [tck-id-payloads-ndeath-bdseq]. */
export function bdSeqOf(payload: SparkplugPayload): number | null {
  const value = payload.metrics.find((metric) => metric.name === 'bdSeq')?.value;
  return typeof value === 'bigint' || typeof value === 'number' ? Number(value) : null;
}

/** Our stored value: 64-bit integers beyond 2^53 become the nearest double. */
function storedValue(value: SparkplugMetric['value']): TelemetryPoint['value'] {
  if (typeof value === 'bigint') return Number(value);
  return value ?? null;
}

export function pointOf(group: string, edge: string, device: string, tag: string, metric: SparkplugMetric, fallbackTs: number): TelemetryPoint {
  const quality = qualityFromSparkplug(metric.properties?.[QUALITY_PROPERTY]?.value);
  return {
    group, edge, device, tag,
    value: storedValue(metric.value),
    quality,
    // A historical sample (is_historical, store and forward) keeps its source time too: it lands
    // in the history where it belongs and never becomes the latest over a newer value, since the
    // store's latest follows the greatest ts, not arrival order.
    ts: metric.timestamp ?? fallbackTs,
    // Our gateways say why a value is not good in the custom 'errorCode' property
    // (docs/sparkplug-wire.md); other senders leave it out, and a good value has no error.
    error: quality === 'good' ? null : stringProperty(metric, ERROR_CODE_PROPERTY),
  };
}

/** A birth's definitions and the samples of its non-transient metrics; throws RejectedFrame. */
export function readBirth(group: string, edge: string, device: string, payload: SparkplugPayload, nowMs: number): { defs: MetricDefinition[]; points: TelemetryPoint[] } {
  const defs: MetricDefinition[] = [];
  const points: TelemetryPoint[] = [];
  const aliases = new Set<number>();
  const fallbackTs = payload.timestamp ?? nowMs;
  for (const metric of payload.metrics) {
    // [tck-id-payloads-alias-birth-requirement] [tck-id-topics-nbirth-metrics]
    if (metric.name === undefined || metric.datatype === undefined) {
      throw new RejectedFrame('birth_incomplete', `a birth metric lacks its ${metric.name === undefined ? 'name' : `datatype ("${metric.name}")`}`);
    }
    if (metric.alias !== undefined) {
      // [tck-id-payloads-alias-uniqueness]
      if (aliases.has(metric.alias)) throw new RejectedFrame('duplicate_alias', `alias ${metric.alias} is used twice in one birth`);
      aliases.add(metric.alias);
    }
    defs.push({
      group, edge, device, tag: metric.name, alias: metric.alias, datatype: metric.datatype,
      unit: stringProperty(metric, 'engUnit'), protocol: stringProperty(metric, 'protocol'),
    });
    if (metric.isTransient !== true) points.push(pointOf(group, edge, device, metric.name, metric, fallbackTs));
  }
  return { defs, points };
}

/** How many of these metrics are flagged is_historical. */
export function historicalCount(metrics: readonly SparkplugMetric[]): number {
  let count = 0;
  for (const metric of metrics) if (metric.isHistorical === true && metric.isTransient !== true) count++;
  return count;
}
