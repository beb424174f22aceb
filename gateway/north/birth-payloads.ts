/**
 * NBIRTH, DBIRTH and NDEATH payloads of the edge node (Sparkplug 3.0 "Payloads").
 */
import type { TagValue } from '../../connectors/connector.ts';
import type { SparkplugMetric, SparkplugPayload } from '../../connectors/sparkplug/index.ts';
import { BDSEQ_METRIC, nodeMetricAliases, REBIRTH_METRIC, type CatalogDevice, type MetricCatalog } from './metric-catalog.ts';
import { metricValue } from './metric-values.ts';
import { nodeStatusMetrics, type NodeStatus } from './node-status.ts';

/**
 * NDEATH, registered as the MQTT Will [tck-id-payloads-ndeath-will-message]: only the bdSeq metric
 * [tck-id-topics-ndeath-payload], no seq [tck-id-payloads-ndeath-seq], the same bdSeq as the
 * NBIRTH that follows [tck-id-payloads-ndeath-bdseq].
 */
export function ndeathPayload(bdSeq: number, timestamp: number): SparkplugPayload {
  return { timestamp, metrics: [{ name: BDSEQ_METRIC, timestamp, datatype: 'Int64', value: bdSeq }] };
}

/**
 * NBIRTH: seq 0 [tck-id-payloads-nbirth-seq], a timestamp [tck-id-payloads-nbirth-timestamp], the
 * bdSeq metric [tck-id-payloads-nbirth-bdseq] and 'Node Control/Rebirth' = false
 * [tck-id-payloads-nbirth-rebirth-req]; births carry name and alias [tck-id-payloads-alias-birth-requirement],
 * a timestamp [tck-id-payloads-name-birth-data-requirement] and a datatype [tck-id-payloads-metric-datatype-req]
 * for every metric.
 */
export function nbirthPayload(bdSeq: number, timestamp: number, status: NodeStatus): SparkplugPayload {
  return {
    timestamp,
    seq: 0,
    metrics: [
      { name: BDSEQ_METRIC, alias: nodeMetricAliases[BDSEQ_METRIC], timestamp, datatype: 'Int64', value: bdSeq },
      { name: REBIRTH_METRIC, alias: nodeMetricAliases[REBIRTH_METRIC], timestamp, datatype: 'Boolean', value: false },
      ...nodeStatusMetrics(status, timestamp, 'birth'),
    ],
  };
}

/**
 * DDEATH for a device whose link went down [tck-id-operational-behavior-device-ddeath]: a
 * timestamp [tck-id-payloads-ddeath-timestamp] and the next seq [tck-id-payloads-ddeath-seq-inc];
 * no metrics.
 */
export function ddeathPayload(seq: number, timestamp: number): SparkplugPayload {
  return { timestamp, seq, metrics: [] };
}

/**
 * DBIRTH: every metric the device will ever report [tck-id-topics-dbirth-metric-reqs] with name,
 * datatype and current value [tck-id-topics-dbirth-metrics] (null when nothing was read yet), plus
 * the 'engUnit' and 'protocol' properties, and for a current value that is not good its 'Quality'
 * and, when the reading has one, its 'errorCode' (docs/sparkplug-wire.md).
 */
export function dbirthPayload(options: {
  device: CatalogDevice;
  catalog: MetricCatalog;
  seq: number;
  timestamp: number;
  current: (device: string, tag: string) => TagValue | undefined;
}): SparkplugPayload {
  const { device, catalog, seq, timestamp, current } = options;
  const metrics = catalog.entries(device.name).map((entry): SparkplugMetric => {
    const now = current(device.name, entry.name);
    const { fields } = metricValue(now ?? { value: null, quality: 'bad' }, entry.datatype);
    const properties = { ...fields.properties };
    if (entry.unit !== undefined) properties.engUnit = { type: 'String', value: entry.unit };
    properties.protocol = { type: 'String', value: device.protocol };
    return { name: entry.name, alias: entry.alias, timestamp: now?.ts ?? timestamp, datatype: entry.datatype, ...fields, properties };
  });
  return { timestamp, seq, metrics };
}
