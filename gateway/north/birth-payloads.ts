/**
 * NBIRTH, DBIRTH, NDEATH and DDEATH payloads of the edge node (Sparkplug 3.0 "Payloads"). Timestamps
 * are milliseconds since the Unix epoch, UTC [tck-id-payloads_timestamp_in_UTC]
 * [tck-id-payloads_metric_timestamp_in_UTC]; the caller gives each payload its bdSeq and seq.
 */
import type { TagValue } from '../../connectors/connector.ts';
import type { SparkplugMetric, SparkplugPayload } from '../../connectors/sparkplug/index.ts';
import { BDSEQ_METRIC, nodeMetricAliases, REBIRTH_METRIC, type CatalogDevice, type MetricCatalog } from './metric-catalog.ts';
import { metricValue } from './metric-values.ts';
import { nodeStatusMetrics, type NodeStatus } from './node-status.ts';

/**
 * NDEATH, registered as the MQTT Will [tck-id-payloads-ndeath-will-message], a Sparkplug payload
 * [tck-id-message-flow-edge-node-birth-publish-will-message-payload]: only the bdSeq metric
 * [tck-id-topics-ndeath-payload], no seq [tck-id-payloads-ndeath-seq] [tck-id-topics-ndeath-seq],
 * the same bdSeq as the NBIRTH that follows [tck-id-payloads-ndeath-bdseq].
 */
export function ndeathPayload(bdSeq: number, timestamp: number): SparkplugPayload {
  return { timestamp, metrics: [{ name: BDSEQ_METRIC, timestamp, datatype: 'Int64', value: bdSeq }] };
}

/**
 * NBIRTH, a Sparkplug payload [tck-id-message-flow-edge-node-birth-publish-nbirth-payload]: seq 0
 * [tck-id-payloads-nbirth-seq] [tck-id-topics-nbirth-seq-num] [tck-id-payloads-sequence-num-zero-nbirth]
 * [tck-id-message-flow-edge-node-birth-publish-nbirth-payload-seq], a timestamp
 * [tck-id-payloads-nbirth-timestamp] [tck-id-topics-nbirth-timestamp], the bdSeq metric
 * [tck-id-payloads-nbirth-bdseq] [tck-id-topics-nbirth-bdseq-included] and 'Node Control/Rebirth'
 * [tck-id-operational-behavior-data-commands-rebirth-name], a Boolean
 * [tck-id-operational-behavior-data-commands-rebirth-datatype] that is false
 * [tck-id-operational-behavior-data-commands-rebirth-value] [tck-id-payloads-nbirth-rebirth-req]
 * [tck-id-topics-nbirth-rebirth-metric]; then the Outbox figures (node-status.ts), so the NBIRTH
 * holds every metric the node will ever report [tck-id-topics-nbirth-metric-reqs]
 * [tck-id-operational-behavior-data-publish-nbirth], each with name, datatype and current value
 * [tck-id-topics-nbirth-metrics] [tck-id-operational-behavior-data-publish-nbirth-values]. Births
 * carry name and alias [tck-id-payloads-alias-birth-requirement] [tck-id-payloads-name-requirement],
 * a timestamp [tck-id-payloads-name-birth-data-requirement] and a datatype
 * [tck-id-payloads-metric-datatype-req] for every metric.
 */
export function nbirthPayload(bdSeq: number, timestamp: number, status: NodeStatus): SparkplugPayload {
  return {
    timestamp,
    seq: 0,
    metrics: [
      { name: BDSEQ_METRIC, alias: nodeMetricAliases[BDSEQ_METRIC], timestamp, datatype: 'Int64', value: bdSeq },
      { name: REBIRTH_METRIC, timestamp, datatype: 'Boolean', value: false }, // no alias [tck-id-operational-behavior-data-commands-rebirth-name-aliases]
      ...nodeStatusMetrics(status, timestamp, 'birth'),
    ],
  };
}

/**
 * DDEATH for a device whose link went down [tck-id-operational-behavior-device-ddeath]: a
 * timestamp [tck-id-payloads-ddeath-timestamp] and the next seq [tck-id-payloads-ddeath-seq]
 * [tck-id-payloads-ddeath-seq-inc] [tck-id-payloads-ddeath-seq-number] [tck-id-topics-ddeath-seq-num];
 * no metrics.
 */
export function ddeathPayload(seq: number, timestamp: number): SparkplugPayload {
  return { timestamp, seq, metrics: [] };
}

/**
 * DBIRTH, a Sparkplug payload [tck-id-message-flow-device-birth-publish-dbirth-payload] with a
 * timestamp [tck-id-payloads-dbirth-timestamp] [tck-id-topics-dbirth-timestamp] and a seq
 * [tck-id-payloads-dbirth-seq]: every metric the device will ever report
 * [tck-id-topics-dbirth-metric-reqs] [tck-id-operational-behavior-data-publish-dbirth] with name,
 * datatype and current value [tck-id-topics-dbirth-metrics], is_null and no value when nothing was
 * read yet [tck-id-operational-behavior-data-publish-dbirth-values], plus
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
