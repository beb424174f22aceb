/**
 * The connector's tag table: every configured tag with its parsed NodeId, the problems found on
 * the way (all of them, with config paths), and the read groups by interval.
 */
import type { OpcuaConnectorConfig, OpcuaTagConfig } from '../../config/opcua-schema.ts';
import type { ReadGroup, TagProblem } from '../connector.ts';
import { formatNodeId, parseNodeId } from './opcua-node-id.ts';
import { groupTagsByInterval } from '../read-groups.ts';

export interface ConfiguredTag {
  config: OpcuaTagConfig;
  /** Canonical NodeId string; undefined when it does not parse (the problem is reported). */
  nodeId: string | undefined;
}

export interface TagTable {
  /** By name; a duplicate name keeps its first definition. */
  tags: ReadonlyMap<string, ConfiguredTag>;
  problems: TagProblem[];
}

export function buildTagTable(config: Pick<OpcuaConnectorConfig, 'tags'>): TagTable {
  const tags = new Map<string, ConfiguredTag>();
  const problems: TagProblem[] = [];
  const firstIndexOf = new Map<string, number>();
  config.tags.forEach((tag, i) => {
    const parsed = parseNodeId(tag.nodeId);
    if (!parsed.ok) problems.push({ path: `tags[${i}].nodeId`, message: parsed.error });
    if (tag.deadband !== undefined && tag.mode === 'poll') {
      problems.push({ path: `tags[${i}].deadband`, message: 'deadband is applied by the server to subscriptions; use mode "subscribe" or remove deadband' });
    }
    const first = firstIndexOf.get(tag.name);
    if (first !== undefined) {
      problems.push({ path: `tags[${i}].name`, message: `tag name "${tag.name}" is already used by tags[${first}]; names must be unique within a connector` });
      return;
    }
    firstIndexOf.set(tag.name, i);
    tags.set(tag.name, { config: tag, nodeId: parsed.ok ? formatNodeId(parsed.nodeId) : undefined });
  });
  return { tags, problems };
}

/**
 * One group per interval, named like "500ms", fastest first. A subscribe-mode tag is read from
 * the subscription's buffer, by default once per publishing interval; a poll-mode tag is read
 * from the server every pollIntervalMs.
 */
export function groupByInterval(
  tags: ReadonlyMap<string, ConfiguredTag>,
  intervals: Pick<OpcuaConnectorConfig, 'pollIntervalMs' | 'publishingIntervalMs'>,
): ReadGroup[] {
  return groupTagsByInterval(tags, (tag) => tag.config.intervalMs ?? (tag.config.mode === 'poll' ? intervals.pollIntervalMs : intervals.publishingIntervalMs));
}
