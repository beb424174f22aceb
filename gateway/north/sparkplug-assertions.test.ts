/**
 * The Sparkplug 3.0 edge-node assertions (TCK ids, gateway/testing/sparkplug-tck-edge-assertions.ts)
 * and where this edge node stands on each: implemented, with the test that proves it; or not
 * implemented, deviating or violated, with the reason. The two tables together cover every
 * edge-node assertion, and are held to the code:
 *   - each named test exists under exactly that name in the named file;
 *   - each implemented or deliberately deviating rule is cited as [tck-id-…] in a comment of the
 *     non-test code under gateway/north/ or connectors/sparkplug/ — or the row says `awaitsComment`
 *     (the file the citation belongs in), and then must not be cited yet, so adding the comment
 *     means updating the row;
 *   - every [tck-id-…] cited there is an edge-node assertion, or is explained in `citedOffTheList`.
 * The summary line it prints is the figure for the issue note:
 *   npx vitest run gateway/north/sparkplug-assertions.test.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { edgeNodeAssertions, edgeNodeAssertionsBySection } from '../testing/sparkplug-tck-edge-assertions.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['gateway/north', 'connectors/sparkplug'];

const RULES = 'gateway/north/sparkplug-edge-rules.test.ts';
const NODE = 'gateway/north/sparkplug-edge-node.test.ts';
const SESSIONS = 'gateway/north/edge-node-sessions.test.ts';
const CATALOG = 'gateway/north/metric-catalog.test.ts';
const TAHU = 'gateway/north/tahu-crosscheck.test.ts';

/** A test: file (from the repository root) and its exact name. */
type TestRef = readonly [file: string, name: string];

const t = {
  cleanWill: [RULES, 'connects with a clean session and registers its NDEATH as the Will at QoS 1, not retained'],
  willPayload: [RULES, 'registers as Will a Sparkplug payload with only the Int64 bdSeq of the session it opens, and no seq'],
  bdSeqIncrement: [RULES, 'increments bdSeq by one on every new MQTT CONNECT, starting from zero'],
  bdSeqWrap: [NODE, 'continues the bdSeq persisted in the outbox across restarts, wrapping after 255'],
  subscriptions: [RULES, 'subscribes to its NCMD topic and its primary host\'s STATE topic at QoS 1 before it publishes anything'],
  birthOrder: [RULES, 'publishes NBIRTH first in every session, then every DBIRTH, before any NDATA or DDATA'],
  topics: [RULES, 'publishes on spBv1.0/group/type/edge, with the device id on exactly the device messages'],
  qos0: [RULES, 'publishes NBIRTH, DBIRTH, NDATA and DDEATH at QoS 0, and nothing retained'],
  ddataQos1: [RULES, 'publishes DDATA at QoS 1, so that the outbox deletes a row only after its PUBACK'],
  seq: [RULES, 'numbers every message but NDEATH, 0 at each NBIRTH and one more per message, wrapping after 255'],
  publishTime: [RULES, 'puts its publish time, in UTC milliseconds, on every NBIRTH, DBIRTH, NDATA, DDATA and DDEATH'],
  metricTime: [RULES, 'puts a timestamp on every metric of NBIRTH, DBIRTH, NDATA and DDATA'],
  birthMetrics: [RULES, 'gives every birth metric a name and a datatype, and all but Node Control/Rebirth an alias unique across the edge node'],
  bornFirst: [RULES, 'announces in its births every metric that its NDATA and DDATA report'],
  aliasOnly: [RULES, 'reports NDATA and DDATA metrics by alias only, without a name'],
  dataDatatype: [RULES, 'includes the datatype in every NDATA and DDATA metric, for hosts that missed the birth'],
  statusByException: [RULES, 'publishes its Outbox figures in NDATA only when they changed since the last NBIRTH or NDATA'],
  dbirthValues: [RULES, 'gives every DBIRTH metric the current value of its tag, or is_null and no value'],
  nbirthValues: [RULES, 'gives every NBIRTH metric a current value: bdSeq, Node Control/Rebirth and the Outbox figures'],
  nbirthMetrics: [RULES, 'puts bdSeq (Int64) and Node Control/Rebirth = false (Boolean) in every NBIRTH'],
  rebirthNoAlias: [RULES, 'publishes Node Control/Rebirth in NBIRTH without an alias'],
  rebirth: [RULES, 'answers NCMD Node Control/Rebirth with NBIRTH, with the session\'s bdSeq, and every DBIRTH before more data'],
  timeOrder: [RULES, 'keeps the values of each metric in time order within every frame that is not historical'],
  ddeath: [RULES, 'publishes DDEATH for a device whose link is lost, and its DBIRTH before it reports again'],
  deadDeviceBirth: [RULES, 'publishes a DBIRTH of null, bad LINK_DOWN values for a device reborn while its link is down, then its DDEATH'],
  quality: [RULES, 'marks every value that is not good with an Int32 Quality of 0 (bad) or 500 (stale)'],
  properties: [RULES, 'types every property value and pairs every PropertySet key with one value'],
  oneSession: [RULES, 'holds at most one MQTT session at a time'],
  stop311: [RULES, 'on stop over MQTT 3.1.1 publishes NDEATH, then sends DISCONNECT'],
  stop5: [RULES, 'over MQTT 5 connects with clean start and stops with DISCONNECT reason 4, so the broker publishes the NDEATH'],
  otherHosts: [RULES, 'ignores STATE messages of other host ids and waits for its own primary host to be online'],
  ids: [RULES, 'keeps group, edge node and device ids to valid UTF-8 without +, / or #'],
  primaryHost: [SESSIONS, 'waits for the primary host to be online before its births, and ends the session with NDEATH when the host goes offline'],
  ndataByAlias: [SESSIONS, 'publishes its outbox figures as node metrics in NDATA, by alias, only when they changed'],
  ddataFromOutbox: [NODE, 'publishes NBIRTH, a DBIRTH per device, then DDATA from the outbox, and acks it'],
  uniqueDevices: [CATALOG, 'rejects duplicate devices and tags'],
  tahuScenario: [TAHU, 'decodes every frame of the scenario to the same metrics as our codec'],
} as const satisfies Record<string, TestRef>;

interface Implemented {
  id: string;
  test: TestRef;
  /** How we meet it, where that is not plain from the test name. */
  note?: string;
  /** The code meets the rule but cites it nowhere yet: the file the [tck-id-…] comment belongs in. */
  awaitsComment?: string;
}

type Standing = 'deviation' | 'violation' | 'not implemented' | 'not applicable';

interface NotImplemented {
  id: string;
  standing: Standing;
  reason: string;
  /** A test that pins today's behaviour (a violation: an it.fails named for what the spec wants). */
  pinnedBy?: TestRef;
  /** A deviation that no code comment explains yet: the file the [tck-id-…] comment belongs in. */
  awaitsComment?: string;
}

const STATE_BY_TIMESTAMP = 'implemented with the released 3.0 STATE, which carries a timestamp, not a bdSeq: a STATE older than the newest one seen is ignored';

export const implemented: readonly Implemented[] = [
  // 1.4.1.8 Sparkplug Identifiers
  ...['intro-group-id-string', 'intro-edge-node-id-string', 'intro-device-id-string', 'intro-group-id-chars', 'intro-edge-node-id-chars', 'intro-device-id-chars']
    .map((id): Implemented => ({
      id, test: t.ids,
      note: 'the site config allows letters, digits and . _ - (config/schema-parts.ts topicLevel); sparkplugTopic refuses + / # and lone surrogates',
    })),
  // 2 Principles
  {
    id: 'principles-rbe-recommended', test: t.statusByException,
    note: 'NDATA only when an Outbox figure changed; DDATA only what the change filter (gateway/change-filter.ts) lets through, '
      + 'whose heartbeat is the deviation listed under operational-behavior-data-publish-dbirth-change',
  },
  { id: 'principles-birth-certificates-order', test: t.birthOrder },
  { id: 'principles-persistence-clean-session-311', test: t.cleanWill },
  { id: 'principles-persistence-clean-session-50', test: t.stop5, note: 'clean start; mqtt.js sends no Session Expiry Interval, which means 0' },
  // 4.1 Topic namespace
  { id: 'topic-structure', test: t.topics },
  { id: 'topic-structure-namespace-a', test: t.topics },
  { id: 'topic-structure-namespace-valid-group-id', test: t.ids },
  { id: 'topic-structure-namespace-valid-edge-node-id', test: t.ids },
  { id: 'topic-structure-namespace-valid-device-id', test: t.ids },
  { id: 'topic-structure-namespace-unique-device-id', test: t.uniqueDevices },
  { id: 'topic-structure-namespace-device-id-associated-message-types', test: t.topics },
  { id: 'topic-structure-namespace-device-id-non-associated-message-types', test: t.topics },
  // 4.2.1 Edge node messages
  { id: 'topics-nbirth-topic', test: t.topics },
  { id: 'topics-nbirth-mqtt', test: t.qos0 },
  { id: 'topics-nbirth-seq-num', test: t.seq },
  { id: 'topics-nbirth-timestamp', test: t.publishTime },
  { id: 'topics-nbirth-metric-reqs', test: t.bornFirst },
  { id: 'topics-nbirth-metrics', test: t.birthMetrics },
  { id: 'topics-nbirth-bdseq-included', test: t.nbirthMetrics },
  { id: 'topics-nbirth-bdseq-matching', test: t.willPayload },
  { id: 'topics-nbirth-bdseq-increment', test: t.bdSeqIncrement, note: `wrapping after 255: "${t.bdSeqWrap[1]}"` },
  { id: 'topics-nbirth-rebirth-metric', test: t.nbirthMetrics },
  { id: 'topics-ndata-topic', test: t.topics },
  { id: 'topics-ndata-mqtt', test: t.qos0 },
  { id: 'topics-ndata-seq-num', test: t.seq },
  { id: 'topics-ndata-timestamp', test: t.publishTime },
  { id: 'topics-ndata-payload', test: t.ndataByAlias, note: 'every NDATA carries all five Outbox figures, sent when one of them changed' },
  { id: 'topics-ndeath-topic', test: t.cleanWill },
  { id: 'topics-ndeath-payload', test: t.willPayload },
  { id: 'topics-ndeath-seq', test: t.willPayload },
  { id: 'topics-ncmd-topic', test: t.subscriptions },
  // 4.2.2 Device messages
  { id: 'topics-dbirth-topic', test: t.topics },
  { id: 'topics-dbirth-mqtt', test: t.qos0 },
  { id: 'topics-dbirth-seq', test: t.seq },
  { id: 'topics-dbirth-timestamp', test: t.publishTime },
  { id: 'topics-dbirth-metric-reqs', test: t.bornFirst },
  { id: 'topics-dbirth-metrics', test: t.birthMetrics },
  { id: 'topics-ddata-topic', test: t.topics },
  { id: 'topics-ddata-seq-num', test: t.seq },
  { id: 'topics-ddata-timestamp', test: t.publishTime },
  { id: 'topics-ddata-payload', test: t.ddataFromOutbox, note: 'every outbox sample becomes a metric; the change filter decides what changed' },
  { id: 'topics-ddeath-topic', test: t.topics },
  { id: 'topics-ddeath-mqtt', test: t.qos0 },
  { id: 'topics-ddeath-seq-num', test: t.seq },
  // 5.4 Edge node session establishment
  { id: 'message-flow-edge-node-ncmd-subscribe', test: t.subscriptions },
  { id: 'message-flow-edge-node-birth-publish-connect', test: t.birthOrder },
  { id: 'message-flow-edge-node-birth-publish-will-message', test: t.cleanWill },
  { id: 'message-flow-edge-node-birth-publish-will-message-topic', test: t.cleanWill },
  { id: 'message-flow-edge-node-birth-publish-will-message-payload', test: t.willPayload },
  { id: 'message-flow-edge-node-birth-publish-will-message-payload-bdSeq', test: t.bdSeqIncrement, note: `wrapping after 255: "${t.bdSeqWrap[1]}"` },
  { id: 'message-flow-edge-node-birth-publish-will-message-qos', test: t.cleanWill },
  { id: 'message-flow-edge-node-birth-publish-will-message-will-retained', test: t.cleanWill },
  { id: 'message-flow-edge-node-birth-publish-phid-wait', test: t.primaryHost },
  { id: 'message-flow-edge-node-birth-publish-phid-wait-id', test: t.otherHosts },
  { id: 'message-flow-edge-node-birth-publish-phid-wait-online', test: t.primaryHost },
  { id: 'message-flow-edge-node-birth-publish-nbirth-topic', test: t.topics },
  { id: 'message-flow-edge-node-birth-publish-nbirth-payload', test: t.tahuScenario },
  { id: 'message-flow-edge-node-birth-publish-nbirth-payload-bdSeq', test: t.willPayload },
  { id: 'message-flow-edge-node-birth-publish-nbirth-qos', test: t.qos0 },
  { id: 'message-flow-edge-node-birth-publish-nbirth-retained', test: t.qos0 },
  { id: 'message-flow-edge-node-birth-publish-nbirth-payload-seq', test: t.seq },
  { id: 'message-flow-edge-node-birth-publish-phid-offline', test: t.primaryHost, note: STATE_BY_TIMESTAMP },
  // 5.5 Edge node session termination
  { id: 'operational-behavior-edge-node-intentional-disconnect-ndeath', test: t.stop311 },
  { id: 'operational-behavior-edge-node-intentional-disconnect-packet', test: t.stop311 },
  { id: 'operational-behavior-edge-node-termination-host-offline', test: t.primaryHost, note: STATE_BY_TIMESTAMP },
  // 5.6 Device session establishment
  { id: 'message-flow-device-birth-publish-nbirth-wait', test: t.birthOrder },
  { id: 'message-flow-device-birth-publish-dbirth-topic', test: t.topics },
  { id: 'message-flow-device-birth-publish-dbirth-match-edge-node-topic', test: t.topics },
  { id: 'message-flow-device-birth-publish-dbirth-payload', test: t.tahuScenario },
  { id: 'message-flow-device-birth-publish-dbirth-qos', test: t.qos0 },
  { id: 'message-flow-device-birth-publish-dbirth-retained', test: t.qos0 },
  { id: 'message-flow-device-birth-publish-dbirth-payload-seq', test: t.seq },
  // 5.7, 5.10
  { id: 'operational-behavior-device-ddeath', test: t.ddeath },
  { id: 'operational-behavior-primary-application-state-with-multiple-servers-single-server', test: t.oneSession, note: 'one broker URL, one session at a time' },
  { id: 'operational-behavior-primary-application-state-with-multiple-servers-walk', test: t.primaryHost, note: 'with one broker configured, the next server is the same one' },
  { id: 'operational-behavior-edge-node-birth-sequence-wait', test: t.primaryHost },
  // 5.16 Data publish
  { id: 'operational-behavior-data-publish-nbirth', test: t.bornFirst },
  { id: 'operational-behavior-data-publish-nbirth-values', test: t.nbirthValues },
  { id: 'operational-behavior-data-publish-nbirth-change', test: t.statusByException },
  { id: 'operational-behavior-data-publish-nbirth-order', test: t.timeOrder },
  { id: 'operational-behavior-data-publish-dbirth', test: t.bornFirst },
  {
    id: 'operational-behavior-data-publish-dbirth-values', test: t.dbirthValues,
    note: `a device whose link is down has no current value: null, bad, LINK_DOWN ("${t.deadDeviceBirth[1]}")`,
  },
  { id: 'operational-behavior-data-publish-dbirth-order', test: t.timeOrder },
  // 5.17 Commands
  { id: 'operational-behavior-data-commands-rebirth-name', test: t.nbirthMetrics },
  {
    id: 'operational-behavior-data-commands-rebirth-name-aliases', test: t.rebirthNoAlias,
    note: 'an NCMD rebirth is recognised by name only; alias 2, which it once had, stays unused',
  },
  { id: 'operational-behavior-data-commands-rebirth-datatype', test: t.nbirthMetrics },
  { id: 'operational-behavior-data-commands-rebirth-value', test: t.nbirthMetrics },
  { id: 'operational-behavior-data-commands-rebirth-action-1', test: t.rebirth },
  { id: 'operational-behavior-data-commands-rebirth-action-2', test: t.rebirth },
  { id: 'operational-behavior-data-commands-rebirth-action-3', test: t.rebirth },
  // 6.4.5 Payload, 6.4.6 Metric
  { id: 'payloads_timestamp_in_UTC', test: t.publishTime },
  { id: 'payloads-sequence-num-always-included', test: t.seq },
  { id: 'payloads-sequence-num-zero-nbirth', test: t.seq },
  { id: 'payloads-sequence-num-incrementing', test: t.seq },
  { id: 'payloads-name-requirement', test: t.birthMetrics },
  { id: 'payloads-alias-uniqueness', test: t.birthMetrics },
  {
    id: 'payloads-alias-birth-requirement', test: t.birthMetrics,
    note: 'every birth metric but Node Control/Rebirth, which must have none (operational-behavior-data-commands-rebirth-name-aliases)',
  },
  { id: 'payloads-alias-data-cmd-requirement', test: t.aliasOnly },
  { id: 'payloads-name-birth-data-requirement', test: t.metricTime },
  { id: 'payloads_metric_timestamp_in_UTC', test: t.metricTime },
  { id: 'payloads-metric-datatype-value-type', test: t.tahuScenario },
  { id: 'payloads-metric-datatype-value', test: t.tahuScenario },
  { id: 'payloads-metric-datatype-req', test: t.birthMetrics },
  // 6.4.8 - 6.4.9.1 PropertySet, PropertyValue, Quality
  { id: 'payloads-propertyset-keys-array-size', test: t.properties },
  { id: 'payloads-propertyset-values-array-size', test: t.properties },
  { id: 'payloads-metric-propertyvalue-type-type', test: t.properties },
  { id: 'payloads-metric-propertyvalue-type-value', test: t.properties },
  { id: 'payloads-metric-propertyvalue-type-req', test: t.properties },
  { id: 'payloads-propertyset-quality-value-type', test: t.quality },
  { id: 'payloads-propertyset-quality-value-value', test: t.quality },
  // 6.4.19 - 6.4.26 Message payloads
  { id: 'payloads-nbirth-timestamp', test: t.publishTime },
  { id: 'payloads-nbirth-seq', test: t.seq },
  { id: 'payloads-nbirth-bdseq', test: t.nbirthMetrics },
  { id: 'payloads-nbirth-bdseq-repeat', test: t.willPayload },
  { id: 'payloads-nbirth-rebirth-req', test: t.nbirthMetrics },
  { id: 'payloads-nbirth-qos', test: t.qos0 },
  { id: 'payloads-nbirth-retain', test: t.qos0 },
  { id: 'payloads-dbirth-timestamp', test: t.publishTime },
  { id: 'payloads-dbirth-seq', test: t.seq },
  { id: 'payloads-dbirth-seq-inc', test: t.seq },
  { id: 'payloads-dbirth-order', test: t.birthOrder },
  { id: 'payloads-dbirth-qos', test: t.qos0 },
  { id: 'payloads-dbirth-retain', test: t.qos0 },
  { id: 'payloads-ndata-timestamp', test: t.publishTime },
  { id: 'payloads-ndata-seq', test: t.seq },
  { id: 'payloads-ndata-seq-inc', test: t.seq },
  { id: 'payloads-ndata-order', test: t.birthOrder },
  { id: 'payloads-ndata-qos', test: t.qos0 },
  { id: 'payloads-ndata-retain', test: t.qos0 },
  { id: 'payloads-ddata-timestamp', test: t.publishTime },
  { id: 'payloads-ddata-seq', test: t.seq },
  { id: 'payloads-ddata-seq-inc', test: t.seq },
  { id: 'payloads-ddata-order', test: t.birthOrder },
  { id: 'payloads-ddata-retain', test: t.qos0 },
  { id: 'payloads-ndeath-seq', test: t.willPayload },
  { id: 'payloads-ndeath-will-message', test: t.cleanWill },
  { id: 'payloads-ndeath-will-message-qos', test: t.cleanWill },
  { id: 'payloads-ndeath-will-message-retain', test: t.cleanWill },
  { id: 'payloads-ndeath-bdseq', test: t.willPayload },
  { id: 'payloads-ndeath-will-message-publisher', test: t.stop311 },
  { id: 'payloads-ndeath-will-message-publisher-disconnect-mqtt311', test: t.stop311 },
  { id: 'payloads-ndeath-will-message-publisher-disconnect-mqtt50', test: t.stop5 },
  { id: 'payloads-ddeath-timestamp', test: t.ddeath },
  { id: 'payloads-ddeath-seq', test: t.seq },
  { id: 'payloads-ddeath-seq-inc', test: t.seq },
  { id: 'payloads-ddeath-seq-number', test: t.seq },
];

const NO_TEMPLATES = 'the edge node publishes scalar metrics only (the metric catalogue holds scalar datatypes): no DataSet or Template is ever sent';
const DEPLOYMENT = 'a deployment duty: one edge node cannot see the others (gateway.group and gateway.edge come from the site config)';

export const notImplemented: readonly NotImplemented[] = [
  { id: 'intro-edge-node-id-uniqueness', standing: 'not applicable', reason: DEPLOYMENT },
  { id: 'topic-structure-namespace-unique-edge-node-descriptor', standing: 'not applicable', reason: DEPLOYMENT },
  { id: 'payloads-nbirth-edge-node-descriptor', standing: 'not applicable', reason: DEPLOYMENT },
  { id: 'topic-structure-namespace-duplicate-device-id-across-edge-node', standing: 'not applicable', reason: 'a MAY that asks nothing of an edge node: device ids are scoped by the edge node id in the topic' },
  { id: 'case-sensitivity-sparkplug-ids', standing: 'not implemented', reason: 'SHOULD NOT; not checked: connectors "Press" and "press" would both be accepted as device ids' },
  { id: 'case-sensitivity-metric-names', standing: 'not implemented', reason: 'SHOULD NOT; not checked: tags "B10/Temp" and "B10/temp" would both be announced' },
  {
    id: 'operational-behavior-data-publish-dbirth-change', standing: 'deviation',
    reason: 'SHOULD: the change filter repeats an unchanged value every heartbeatMs (default 60 s) so a host can tell a quiet tag from a lost one',
  },
  {
    id: 'topics-ddata-mqtt', standing: 'deviation', pinnedBy: t.ddataQos1,
    reason: 'DDATA goes at QoS 1, not 0: the PUBACK is what lets the outbox delete a row without losing it (retain is false, as required)',
  },
  {
    id: 'payloads-ddata-qos', standing: 'deviation', pinnedBy: t.ddataQos1,
    reason: 'DDATA goes at QoS 1, not 0: the PUBACK is what lets the outbox delete a row without losing it',
  },
  {
    id: 'payloads-metric-datatype-not-req', standing: 'deviation', pinnedBy: t.dataDatatype,
    reason: 'SHOULD NOT: NDATA and DDATA metrics carry their datatype so a host that missed the birth can still decode them',
  },
  {
    id: 'message-flow-edge-node-birth-publish-phid-wait-bdSeq', standing: 'deviation', pinnedBy: t.primaryHost,
    reason: STATE_BY_TIMESTAMP,
  },
  {
    id: 'operational-behavior-edge-node-termination-host-offline-bdSeq', standing: 'deviation', pinnedBy: t.primaryHost,
    reason: `${STATE_BY_TIMESTAMP}; any newer offline STATE ends the session`,
  },
  {
    id: 'message-flow-device-dcmd-subscribe', standing: 'deviation',
    reason: 'devices are written through the gateway command channel (edgestock/v1/<group>/<edge>/cmd, docs/gateway-commands.md), not DCMD: no DCMD subscription',
  },
  { id: 'topics-dcmd-topic', standing: 'not implemented', reason: 'no DCMD: device writes go through the gateway command channel' },
  { id: 'topics-nbirth-templates', standing: 'not applicable', reason: NO_TEMPLATES },
  ...(edgeNodeAssertionsBySection['6.4.11 DataSet'] ?? []).map((id): NotImplemented => ({ id, standing: 'not applicable', reason: NO_TEMPLATES })),
  ...(edgeNodeAssertionsBySection['6.4.13 DataSet.DataSetValue'] ?? []).map((id): NotImplemented => ({ id, standing: 'not applicable', reason: NO_TEMPLATES })),
  ...(edgeNodeAssertionsBySection['6.4.14 Template'] ?? []).map((id): NotImplemented => ({ id, standing: 'not applicable', reason: NO_TEMPLATES })),
  ...(edgeNodeAssertionsBySection['6.4.15 Template.Parameter'] ?? []).map((id): NotImplemented => ({ id, standing: 'not applicable', reason: NO_TEMPLATES })),
];

/** [tck-id-…] cited in the code that are not edge-node assertions of the TCK file used here. */
const citedOffTheList: Readonly<Record<string, string>> = {
  'operational-behavior-primary-application-state-with-multiple-servers-state-subs':
    'from the released 3.0 specification (edge nodes with a primary host subscribe to its STATE); not in this TCK file version',
};

// ---- reading the code and the tests ----------------------------------------------------------

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every [tck-id-…] cited in the non-test code under SCANNED, with the files citing it. */
const citations = (() => {
  const cited = new Map<string, string[]>();
  for (const file of SCANNED.flatMap(sourceFiles)) {
    for (const [, id] of readFileSync(join(ROOT, file), 'utf8').matchAll(/tck-id-([A-Za-z0-9_-]+)/g)) {
      cited.set(id, [...(cited.get(id) ?? []), relative(ROOT, join(ROOT, file))]);
    }
  }
  return cited;
})();

const testNamesCache = new Map<string, Set<string> | undefined>();
/** The names of the tests (it, it.fails, test) a file declares with a literal name. */
function testNames(file: string): Set<string> | undefined {
  if (!testNamesCache.has(file)) {
    let source: string | undefined;
    try {
      source = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      source = undefined;
    }
    const names = source === undefined ? undefined : new Set(
      [...source.matchAll(/\b(?:it|test)(?:\.fails)?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)].map((m) => m[2].replace(/\\(.)/g, '$1')),
    );
    testNamesCache.set(file, names);
  }
  return testNamesCache.get(file);
}

function expectTest([file, name]: TestRef, id: string): void {
  const names = testNames(file);
  expect(names, `${id}: no test file ${file}`).toBeDefined();
  expect(names!.has(name), `${id}: ${file} has no test named "${name}"`).toBe(true);
}

function expectCited(id: string, awaitsComment: string | undefined): void {
  const where = citations.get(id);
  if (awaitsComment === undefined) {
    expect(where, `${id}: cite [tck-id-${id}] in the code that implements it (under ${SCANNED.join(' or ')}), or set awaitsComment`).toBeDefined();
  } else {
    expect(where, `${id}: [tck-id-${id}] is now cited in ${where?.join(', ')}: drop awaitsComment from its row`).toBeUndefined();
  }
}

// ---- the checks ----------------------------------------------------------------------------

describe('Sparkplug edge-node assertions', () => {
  it('classifies every edge-node assertion of the TCK exactly once', () => {
    const listed = [...implemented.map((r) => r.id), ...notImplemented.map((r) => r.id)];
    expect(listed.filter((id, i) => listed.indexOf(id) !== i), 'listed twice').toEqual([]);
    expect(listed.filter((id) => !edgeNodeAssertions.includes(id)), 'not an edge-node assertion').toEqual([]);
    expect(edgeNodeAssertions.filter((id) => !listed.includes(id)), 'not classified').toEqual([]);
    const standing = (s: Standing) => notImplemented.filter((r) => r.standing === s).length;
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const awaiting = implemented.filter((r) => r.awaitsComment !== undefined).length;
    console.log(`sparkplug-assertions: Sparkplug 3.0 TCK edge-node assertions: ${edgeNodeAssertions.length} `
      + `(of 299 in Requirements.java); implemented and tested: ${implemented.length}; not implemented: ${notImplemented.length} `
      + `(${count(standing('deviation'), 'deliberate deviation')}, ${count(standing('violation'), 'violation')}, ${standing('not implemented')} not implemented, `
      + `${standing('not applicable')} not applicable: DataSets, Templates, deployment); implemented without a tck-id comment yet: ${awaiting}`);
  });

  it.each(implemented.map((row) => [row.id, row] as const))('%s: its test exists and the code cites it', (id, row) => {
    expectTest(row.test, id);
    expectCited(id, row.awaitsComment);
  });

  it.each(notImplemented.filter((row) => row.standing === 'deviation' || row.standing === 'violation').map((row) => [row.id, row] as const))(
    '%s: the test that pins it exists, and a deliberate deviation is explained in the code',
    (id, row) => {
      if (row.pinnedBy) expectTest(row.pinnedBy, id);
      if (row.standing === 'violation') {
        expect(row.pinnedBy, `${id}: pin a violation with an it.fails named for what the spec wants`).toBeDefined();
        expect(readFileSync(join(ROOT, row.pinnedBy![0]), 'utf8')).toContain(`it.fails('${row.pinnedBy![1].replace(/'/g, "\\'")}'`);
      } else {
        expectCited(id, row.awaitsComment);
      }
    },
  );

  it('finds every [tck-id-…] the code cites among the edge-node assertions, or explained', () => {
    const unknown = [...citations.keys()].filter((id) => !edgeNodeAssertions.includes(id) && !(id in citedOffTheList));
    expect(unknown.map((id) => `${id} (${citations.get(id)!.join(', ')})`)).toEqual([]);
    const stale = Object.keys(citedOffTheList).filter((id) => !citations.has(id));
    expect(stale, 'no longer cited: drop from citedOffTheList').toEqual([]);
  });
});
