/**
 * Sparkplug topic namespace (Sparkplug 3.0, "Topics and Messages"):
 *   spBv1.0/group_id/message_type/edge_node_id[/device_id]      [tck-id-topic-structure]
 *   spBv1.0/STATE/sparkplug_host_id                              (host application state)
 */

export const SPARKPLUG_NAMESPACE = 'spBv1.0'; // [tck-id-topic-structure-namespace-a]

export type SparkplugNodeMessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type SparkplugDeviceMessageType = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';
export type SparkplugMessageType = SparkplugNodeMessageType | SparkplugDeviceMessageType;

export type SparkplugTopicParts =
  | { group: string; type: SparkplugNodeMessageType; edge: string; device?: undefined }
  | { group: string; type: SparkplugDeviceMessageType; edge: string; device: string };

export type ParsedSparkplugTopic =
  | { namespace: 'spBv1.0'; group: string; type: SparkplugNodeMessageType; edge: string; device?: undefined }
  | { namespace: 'spBv1.0'; group: string; type: SparkplugDeviceMessageType; edge: string; device: string }
  | { namespace: 'spBv1.0'; type: 'STATE'; hostId: string };

export interface SparkplugTopicProblem { error: string }

/** Whether each message type carries a device id. */
const deviceScoped: Readonly<Record<SparkplugMessageType, boolean>> = {
  NBIRTH: false, NDEATH: false, NDATA: false, NCMD: false,
  DBIRTH: true, DDEATH: true, DDATA: true, DCMD: true,
};

function isMessageType(type: string): type is SparkplugMessageType {
  return Object.hasOwn(deviceScoped, type);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why an id cannot be a topic element, or undefined when it can. */
export function sparkplugIdProblem(kind: string, id: string): string | undefined {
  if (typeof id !== 'string' || id.length === 0) return `${kind} must be a non-empty string`;
  // [tck-id-topic-structure-namespace-valid-group-id] [tck-id-topic-structure-namespace-valid-edge-node-id]
  // [tck-id-topic-structure-namespace-valid-device-id]
  const bad = /[+/#]/.exec(id);
  if (bad) return `${kind} "${id}" contains '${bad[0]}': '+', '/' and '#' are reserved in Sparkplug topics`;
  // A UTF-8 string [tck-id-intro-group-id-string] [tck-id-intro-edge-node-id-string] [tck-id-intro-device-id-string].
  if (LONE_SURROGATE.test(id)) return `${kind} "${id}" is not valid UTF-8 (lone surrogate)`;
  // MQTT topic names must not contain U+0000 [MQTT-4.7.3-2]: with the wildcards above, ids hold only
  // what MQTT topics allow [tck-id-intro-group-id-chars] [tck-id-intro-edge-node-id-chars] [tck-id-intro-device-id-chars].
  if (id.includes('\u0000')) return `${kind} contains the character U+0000, which MQTT forbids in topic names`;
  return undefined;
}

export class SparkplugTopicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SparkplugTopicError';
  }
}

/** Build a topic. Throws SparkplugTopicError naming the bad element. */
export function sparkplugTopic(parts: { group: string; type: SparkplugMessageType; edge: string; device?: string }): string {
  const { group, type, edge, device } = parts;
  if (!isMessageType(type)) throw new SparkplugTopicError(`Unknown Sparkplug message type "${String(type)}": expected one of ${Object.keys(deviceScoped).join(', ')}`);
  const problem = sparkplugIdProblem('group id', group) ?? sparkplugIdProblem('edge node id', edge);
  if (problem) throw new SparkplugTopicError(`Cannot build a ${type} topic: ${problem}`);
  if (deviceScoped[type]) {
    // [tck-id-topic-structure-namespace-device-id-associated-message-types]
    if (device === undefined) throw new SparkplugTopicError(`Cannot build a ${type} topic: a device id is required`);
    const deviceProblem = sparkplugIdProblem('device id', device);
    if (deviceProblem) throw new SparkplugTopicError(`Cannot build a ${type} topic: ${deviceProblem}`);
    // [tck-id-topics-dbirth-topic] [tck-id-message-flow-device-birth-publish-dbirth-topic] [tck-id-topics-ddata-topic]
    // [tck-id-topics-ddeath-topic]
    return `${SPARKPLUG_NAMESPACE}/${group}/${type}/${edge}/${device}`;
  }
  // [tck-id-topic-structure-namespace-device-id-non-associated-message-types]
  if (device !== undefined) throw new SparkplugTopicError(`Cannot build a ${type} topic: ${type} carries no device id (got "${device}")`);
  // [tck-id-topics-nbirth-topic] [tck-id-message-flow-edge-node-birth-publish-nbirth-topic] [tck-id-topics-ndata-topic]
  return `${SPARKPLUG_NAMESPACE}/${group}/${type}/${edge}`;
}

/** The Sparkplug 3.0 host application STATE topic. */
export function sparkplugStateTopic(hostId: string): string {
  const problem = sparkplugIdProblem('host id', hostId);
  if (problem) throw new SparkplugTopicError(`Cannot build a STATE topic: ${problem}`);
  return `${SPARKPLUG_NAMESPACE}/STATE/${hostId}`;
}

/** Parse a topic; never throws. The error says which element is wrong and what was expected. */
export function parseSparkplugTopic(topic: string): ParsedSparkplugTopic | SparkplugTopicProblem {
  if (typeof topic !== 'string') return { error: 'topic must be a string' };
  const parts = topic.split('/');
  if (parts[0] !== SPARKPLUG_NAMESPACE) {
    return { error: `Topic "${topic}" does not start with "${SPARKPLUG_NAMESPACE}/"` };
  }
  if (parts[1] === 'STATE') {
    if (parts.length !== 3) return { error: `Topic "${topic}": expected spBv1.0/STATE/<host id>` };
    const problem = sparkplugIdProblem('host id', parts[2]);
    if (problem) return { error: `Topic "${topic}": ${problem}` };
    return { namespace: SPARKPLUG_NAMESPACE, type: 'STATE', hostId: parts[2] };
  }
  if (parts.length < 4 || parts.length > 5) {
    return { error: `Topic "${topic}" has ${parts.length} levels: expected spBv1.0/<group>/<message type>/<edge node>[/<device>]` };
  }
  const [, group, type, edge, device] = parts;
  if (!isMessageType(type)) {
    return { error: `Topic "${topic}": unknown message type "${type}", expected one of ${Object.keys(deviceScoped).join(', ')}, STATE` };
  }
  const problem = sparkplugIdProblem('group id', group) ?? sparkplugIdProblem('edge node id', edge)
    ?? (device !== undefined ? sparkplugIdProblem('device id', device) : undefined);
  if (problem) return { error: `Topic "${topic}": ${problem}` };
  if (deviceScoped[type]) {
    if (device === undefined) return { error: `Topic "${topic}": ${type} needs a device id, expected spBv1.0/<group>/${type}/<edge node>/<device>` };
    return { namespace: SPARKPLUG_NAMESPACE, group, type: type as SparkplugDeviceMessageType, edge, device };
  }
  if (device !== undefined) return { error: `Topic "${topic}": ${type} carries no device id, expected spBv1.0/<group>/${type}/<edge node>` };
  return { namespace: SPARKPLUG_NAMESPACE, group, type: type as SparkplugNodeMessageType, edge };
}
