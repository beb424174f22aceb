/**
 * The edge node's own figures as Sparkplug node metrics: how much the outbox holds, how full it
 * is, how many rows the byte budget dropped and how many still wait for historical replay. They
 * are born in NBIRTH (name, alias, datatype) and then sent by alias in NDATA when one of them
 * changed (the edge node looks every north.statusIntervalS), so any host application sees a
 * gateway's backlog and drops.
 *
 * Each NDATA carries all five figures, so every one that changed [tck-id-topics-ndata-payload],
 * one value each [tck-id-operational-behavior-data-publish-nbirth-order], with their datatype (as
 * DDATA does, see ddata-frames.ts on [tck-id-payloads-metric-datatype-not-req]).
 */
import type { SparkplugMetric } from '../../connectors/sparkplug/index.ts';
import {
  nodeMetricAliases, OUTBOX_BACKLOG_METRIC, OUTBOX_BYTES_METRIC, OUTBOX_DROPPED_METRIC, OUTBOX_MAX_BYTES_METRIC, OUTBOX_ROWS_METRIC,
} from './metric-catalog.ts';

export interface NodeStatus {
  rows: number;
  bytes: number;
  maxBytes: number;
  dropped: number;
  /** Rows queued before this session's birth that are still to be replayed. */
  backlog: number;
}

const fields: ReadonlyArray<[name: keyof typeof nodeMetricAliases, key: keyof NodeStatus]> = [
  [OUTBOX_ROWS_METRIC, 'rows'],
  [OUTBOX_BYTES_METRIC, 'bytes'],
  [OUTBOX_MAX_BYTES_METRIC, 'maxBytes'],
  [OUTBOX_DROPPED_METRIC, 'dropped'],
  [OUTBOX_BACKLOG_METRIC, 'backlog'],
];

/** The status metrics; with names for NBIRTH [tck-id-payloads-alias-birth-requirement], by alias only for NDATA [tck-id-payloads-alias-data-cmd-requirement]. */
export function nodeStatusMetrics(status: NodeStatus, timestamp: number, form: 'birth' | 'data'): SparkplugMetric[] {
  return fields.map(([name, key]) => ({
    ...(form === 'birth' ? { name } : {}),
    alias: nodeMetricAliases[name],
    timestamp,
    datatype: 'Int64',
    value: status[key],
  }));
}

/** True when nothing changed since `a` was reported: no NDATA then (report by exception, sparkplug-edge-node.ts). */
export function sameStatus(a: NodeStatus | undefined, b: NodeStatus): boolean {
  return a !== undefined && fields.every(([, key]) => a[key] === b[key]);
}
