/**
 * The Sparkplug 3.0 normative statements that bind an edge node, by section, as the Eclipse
 * Sparkplug TCK lists them: eclipse-sparkplug/sparkplug,
 * tck/src/main/java/org/eclipse/sparkplug/tck/test/common/Requirements.java, the version whose
 * statement texts start with "[tck-id-…]" (it ends "no of assertions 299").
 *
 * Kept: statements whose subject is the edge node, its identifiers, its MQTT session, the messages
 * it publishes, or the command topics it listens on (the NCMD and DCMD topic forms); every level
 * (MUST, SHOULD, MAY), and those about DataSets and Templates, which bind any edge node that
 * publishes them. Left out: Sparkplug Host Application statements (STATE, host sessions, NDEATH
 * handling, reordering, the rules for sending NCMD/DCMD), MQTT server and conformance-profile
 * statements, and ID_G, which has no tck id.
 *
 * `payloads_timestamp_in_UTC` is the one kept statement whose text carries no "[tck-id-…]" tag in
 * that file; it is cited as tck-id-payloads_timestamp_in_UTC like its metric twin.
 */

export const edgeNodeAssertionsBySection: Readonly<Record<string, readonly string[]>> = {
  '1.4.1.8 Sparkplug Identifiers': [
    'intro-group-id-string', 'intro-group-id-chars', 'intro-edge-node-id-string', 'intro-edge-node-id-chars',
    'intro-device-id-string', 'intro-device-id-chars', 'intro-edge-node-id-uniqueness',
  ],
  '2.2 Report by Exception': ['principles-rbe-recommended'],
  '2.4 Birth and Death Certificates': ['principles-birth-certificates-order'],
  '2.5 Persistent vs Non-Persistent Connections for Edge Nodes': [
    'principles-persistence-clean-session-311', 'principles-persistence-clean-session-50',
  ],
  '4.1 Topic Namespace Elements': [
    'topic-structure', 'topic-structure-namespace-a', 'topic-structure-namespace-valid-group-id',
    'topic-structure-namespace-unique-edge-node-descriptor', 'topic-structure-namespace-valid-edge-node-id',
    'topic-structure-namespace-valid-device-id', 'topic-structure-namespace-unique-device-id',
    'topic-structure-namespace-duplicate-device-id-across-edge-node',
    'topic-structure-namespace-device-id-associated-message-types',
    'topic-structure-namespace-device-id-non-associated-message-types',
  ],
  '4.2.1.1 Birth Message (NBIRTH)': [
    'topics-nbirth-topic', 'topics-nbirth-mqtt', 'topics-nbirth-seq-num', 'topics-nbirth-timestamp', 'topics-nbirth-metric-reqs',
    'topics-nbirth-metrics', 'topics-nbirth-templates', 'topics-nbirth-bdseq-included', 'topics-nbirth-bdseq-matching',
    'topics-nbirth-bdseq-increment', 'topics-nbirth-rebirth-metric',
  ],
  '4.2.1.2 Data Message (NDATA)': ['topics-ndata-topic', 'topics-ndata-mqtt', 'topics-ndata-seq-num', 'topics-ndata-timestamp', 'topics-ndata-payload'],
  '4.2.1.3 Death Message (NDEATH)': ['topics-ndeath-topic', 'topics-ndeath-payload', 'topics-ndeath-seq'],
  '4.2.1.4 Command (NCMD), topic only': ['topics-ncmd-topic'],
  '4.2.2.1 Birth Message (DBIRTH)': [
    'topics-dbirth-topic', 'topics-dbirth-mqtt', 'topics-dbirth-seq', 'topics-dbirth-timestamp', 'topics-dbirth-metric-reqs', 'topics-dbirth-metrics',
  ],
  '4.2.2.2 Data Message (DDATA)': ['topics-ddata-topic', 'topics-ddata-mqtt', 'topics-ddata-seq-num', 'topics-ddata-timestamp', 'topics-ddata-payload'],
  '4.2.2.3 Death Message (DDEATH)': ['topics-ddeath-topic', 'topics-ddeath-mqtt', 'topics-ddeath-seq-num'],
  '4.2.2.4 Command (DCMD), topic only': ['topics-dcmd-topic'],
  '5.2 Case Sensitivity in Sparkplug': ['case-sensitivity-sparkplug-ids', 'case-sensitivity-metric-names'],
  '5.4 Edge Node Session Establishment': [
    'message-flow-edge-node-ncmd-subscribe', 'message-flow-edge-node-birth-publish-connect',
    'message-flow-edge-node-birth-publish-will-message', 'message-flow-edge-node-birth-publish-will-message-topic',
    'message-flow-edge-node-birth-publish-will-message-payload', 'message-flow-edge-node-birth-publish-will-message-payload-bdSeq',
    'message-flow-edge-node-birth-publish-will-message-qos', 'message-flow-edge-node-birth-publish-will-message-will-retained',
    'message-flow-edge-node-birth-publish-phid-wait', 'message-flow-edge-node-birth-publish-phid-wait-id',
    'message-flow-edge-node-birth-publish-phid-wait-online', 'message-flow-edge-node-birth-publish-phid-wait-bdSeq',
    'message-flow-edge-node-birth-publish-nbirth-topic', 'message-flow-edge-node-birth-publish-nbirth-payload',
    'message-flow-edge-node-birth-publish-nbirth-payload-bdSeq', 'message-flow-edge-node-birth-publish-nbirth-qos',
    'message-flow-edge-node-birth-publish-nbirth-retained', 'message-flow-edge-node-birth-publish-nbirth-payload-seq',
    'message-flow-edge-node-birth-publish-phid-offline',
  ],
  '5.5 Edge Node Session Termination': [
    'operational-behavior-edge-node-intentional-disconnect-ndeath', 'operational-behavior-edge-node-intentional-disconnect-packet',
    'operational-behavior-edge-node-termination-host-offline', 'operational-behavior-edge-node-termination-host-offline-bdSeq',
  ],
  '5.6 Device Session Establishment': [
    'message-flow-device-dcmd-subscribe', 'message-flow-device-birth-publish-nbirth-wait', 'message-flow-device-birth-publish-dbirth-topic',
    'message-flow-device-birth-publish-dbirth-match-edge-node-topic', 'message-flow-device-birth-publish-dbirth-payload',
    'message-flow-device-birth-publish-dbirth-qos', 'message-flow-device-birth-publish-dbirth-retained',
    'message-flow-device-birth-publish-dbirth-payload-seq',
  ],
  '5.7 Device Session Termination': ['operational-behavior-device-ddeath'],
  '5.10 Primary Host Application STATE in Multiple MQTT Server Topologies': [
    'operational-behavior-primary-application-state-with-multiple-servers-single-server',
    'operational-behavior-primary-application-state-with-multiple-servers-walk', 'operational-behavior-edge-node-birth-sequence-wait',
  ],
  '5.16 Data Publish': [
    'operational-behavior-data-publish-nbirth', 'operational-behavior-data-publish-nbirth-values', 'operational-behavior-data-publish-nbirth-change',
    'operational-behavior-data-publish-nbirth-order', 'operational-behavior-data-publish-dbirth', 'operational-behavior-data-publish-dbirth-values',
    'operational-behavior-data-publish-dbirth-change', 'operational-behavior-data-publish-dbirth-order',
  ],
  '5.17 Commands': [
    'operational-behavior-data-commands-rebirth-name', 'operational-behavior-data-commands-rebirth-name-aliases',
    'operational-behavior-data-commands-rebirth-datatype', 'operational-behavior-data-commands-rebirth-value',
    'operational-behavior-data-commands-rebirth-action-1', 'operational-behavior-data-commands-rebirth-action-2',
    'operational-behavior-data-commands-rebirth-action-3',
  ],
  '6.4.5 Payload': ['payloads_timestamp_in_UTC', 'payloads-sequence-num-always-included', 'payloads-sequence-num-zero-nbirth', 'payloads-sequence-num-incrementing'],
  '6.4.6 Metric': [
    'payloads-name-requirement', 'payloads-alias-uniqueness', 'payloads-alias-birth-requirement', 'payloads-alias-data-cmd-requirement',
    'payloads-name-birth-data-requirement', 'payloads_metric_timestamp_in_UTC', 'payloads-metric-datatype-value-type',
    'payloads-metric-datatype-value', 'payloads-metric-datatype-req', 'payloads-metric-datatype-not-req',
  ],
  '6.4.8 PropertySet': ['payloads-propertyset-keys-array-size', 'payloads-propertyset-values-array-size'],
  '6.4.9 PropertyValue': ['payloads-metric-propertyvalue-type-type', 'payloads-metric-propertyvalue-type-value', 'payloads-metric-propertyvalue-type-req'],
  '6.4.9.1 Quality Codes': ['payloads-propertyset-quality-value-type', 'payloads-propertyset-quality-value-value'],
  '6.4.11 DataSet': [
    'payloads-dataset-column-size', 'payloads-dataset-column-num-headers', 'payloads-dataset-types-def', 'payloads-dataset-types-num',
    'payloads-dataset-types-type', 'payloads-dataset-types-value', 'payloads-dataset-parameter-type-req',
  ],
  '6.4.13 DataSet.DataSetValue': ['payloads-template-dataset-value'],
  '6.4.14 Template': [
    'payloads-template-definition-nbirth-only', 'payloads-template-definition-is-definition', 'payloads-template-definition-ref',
    'payloads-template-definition-members', 'payloads-template-definition-nbirth', 'payloads-template-definition-parameters',
    'payloads-template-definition-parameters-default', 'payloads-template-instance-is-definition', 'payloads-template-instance-ref',
    'payloads-template-instance-members', 'payloads-template-instance-members-birth', 'payloads-template-instance-members-data',
    'payloads-template-instance-parameters', 'payloads-template-version', 'payloads-template-ref-definition', 'payloads-template-ref-instance',
    'payloads-template-is-definition', 'payloads-template-is-definition-definition', 'payloads-template-is-definition-instance',
  ],
  '6.4.15 Template.Parameter': [
    'payloads-template-parameter-name-required', 'payloads-template-parameter-name-type', 'payloads-template-parameter-value-type',
    'payloads-template-parameter-type-value', 'payloads-template-parameter-type-req', 'payloads-template-parameter-value',
  ],
  '6.4.19 NBIRTH': [
    'payloads-nbirth-timestamp', 'payloads-nbirth-edge-node-descriptor', 'payloads-nbirth-seq', 'payloads-nbirth-bdseq',
    'payloads-nbirth-bdseq-repeat', 'payloads-nbirth-rebirth-req', 'payloads-nbirth-qos', 'payloads-nbirth-retain',
  ],
  '6.4.20 DBIRTH': ['payloads-dbirth-timestamp', 'payloads-dbirth-seq', 'payloads-dbirth-seq-inc', 'payloads-dbirth-order', 'payloads-dbirth-qos', 'payloads-dbirth-retain'],
  '6.4.21 NDATA': ['payloads-ndata-timestamp', 'payloads-ndata-seq', 'payloads-ndata-seq-inc', 'payloads-ndata-order', 'payloads-ndata-qos', 'payloads-ndata-retain'],
  '6.4.22 DDATA': ['payloads-ddata-timestamp', 'payloads-ddata-seq', 'payloads-ddata-seq-inc', 'payloads-ddata-order', 'payloads-ddata-qos', 'payloads-ddata-retain'],
  '6.4.25 NDEATH': [
    'payloads-ndeath-seq', 'payloads-ndeath-will-message', 'payloads-ndeath-will-message-qos', 'payloads-ndeath-will-message-retain',
    'payloads-ndeath-bdseq', 'payloads-ndeath-will-message-publisher', 'payloads-ndeath-will-message-publisher-disconnect-mqtt311',
    'payloads-ndeath-will-message-publisher-disconnect-mqtt50',
  ],
  '6.4.26 DDEATH': ['payloads-ddeath-timestamp', 'payloads-ddeath-seq', 'payloads-ddeath-seq-inc', 'payloads-ddeath-seq-number'],
};

export const edgeNodeAssertions: readonly string[] = Object.values(edgeNodeAssertionsBySection).flat();
