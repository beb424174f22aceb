/**
 * The connector's tag table: every configured tag with its parsed address, the problems found
 * on the way (all of them, with config paths), and the read groups by poll interval.
 */
import type { ModbusConnectorConfig, ModbusTagConfig } from '../../config/site-schema.ts';
import type { ReadGroup, TagProblem } from '../connector.ts';
import { modbusAreas, parseModbusAddress, type ModbusAddress } from './modbus-address.ts';
import { groupTagsByInterval } from '../read-groups.ts';

export interface ConfiguredTag {
  config: ModbusTagConfig;
  /** Undefined when the address does not parse (the problem is reported). */
  address: ModbusAddress | undefined;
}

export interface TagTable {
  /** By name; a duplicate name keeps its first definition. */
  tags: ReadonlyMap<string, ConfiguredTag>;
  problems: TagProblem[];
}

export function buildTagTable(config: Pick<ModbusConnectorConfig, 'tags' | 'maxRegistersPerRead'>): TagTable {
  const tags = new Map<string, ConfiguredTag>();
  const problems: TagProblem[] = [];
  const firstIndexOf = new Map<string, number>();
  config.tags.forEach((tag, i) => {
    const parsed = parseModbusAddress(tag.address);
    if (!parsed.ok) problems.push({ path: `tags[${i}].address`, message: parsed.error });
    const address = parsed.ok ? parsed.address : undefined;
    if (address && modbusAreas[address.area].unit === 'register' && address.width > config.maxRegistersPerRead) {
      problems.push({
        path: `tags[${i}].address`,
        message: `"${tag.address}" needs ${address.width} registers but maxRegistersPerRead is ${config.maxRegistersPerRead}; raise maxRegistersPerRead`,
      });
    }
    const first = firstIndexOf.get(tag.name);
    if (first !== undefined) {
      problems.push({ path: `tags[${i}].name`, message: `tag name "${tag.name}" is already used by tags[${first}]; names must be unique within a connector` });
      return;
    }
    firstIndexOf.set(tag.name, i);
    tags.set(tag.name, { config: tag, address });
  });
  return { tags, problems };
}

/** One group per poll interval (tag.intervalMs, else the connector's), named like "1000ms", fastest first. */
export function groupByInterval(tags: ReadonlyMap<string, ConfiguredTag>, pollIntervalMs: number): ReadGroup[] {
  return groupTagsByInterval(tags, (tag) => tag.config.intervalMs ?? pollIntervalMs);
}
