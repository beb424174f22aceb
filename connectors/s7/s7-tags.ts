/**
 * The S7 connector's tag table: every configured tag with its parsed address, the problems
 * found on the way (all of them, with config paths), and the read groups by poll interval.
 *
 * An array address ("DB5,INT6.10") becomes one scalar tag per element, "<name>[0]" ..
 * "<name>[9]": a TagValue carries one scalar, and nodes7 merges neighbouring items of one DB
 * into a single request anyway.
 */
import type { S7TagConfig } from '../../config/s7-schema.ts';
import type { ReadGroup, TagProblem } from '../connector.ts';
import { elementsOf, parseS7Address, type S7Address } from './s7-address.ts';
import { groupTagsByInterval } from '../read-groups.ts';

export interface S7ConfiguredTag {
  config: S7TagConfig;
  /** Undefined when the address does not parse (the problem is reported). */
  address: S7Address | undefined;
}

export interface S7TagTable {
  /** By name; a duplicate name keeps its first definition. */
  tags: ReadonlyMap<string, S7ConfiguredTag>;
  problems: TagProblem[];
}

export function buildS7TagTable(configTags: readonly S7TagConfig[]): S7TagTable {
  const tags = new Map<string, S7ConfiguredTag>();
  const problems: TagProblem[] = [];
  const firstIndexOf = new Map<string, number>();
  configTags.forEach((tag, i) => {
    const parsed = parseS7Address(tag.address);
    if (!parsed.ok) problems.push({ path: `tags[${i}].address`, message: parsed.error });
    const elements = parsed.ok ? elementsOf(parsed.address) : [undefined];
    const named = elements.length === 1
      ? [{ name: tag.name, address: elements[0] }]
      : elements.map((address, e) => ({ name: `${tag.name}[${e}]`, address }));
    for (const { name, address } of named) {
      const first = firstIndexOf.get(name);
      if (first !== undefined) {
        problems.push({ path: `tags[${i}].name`, message: `tag name "${name}" is already used by tags[${first}]; names must be unique within a connector` });
        continue;
      }
      firstIndexOf.set(name, i);
      tags.set(name, { config: tag, address });
    }
  });
  return { tags, problems };
}

/** One group per poll interval (tag.intervalMs, else the connector's), named like "1000ms", fastest first. */
export function groupS7TagsByInterval(tags: ReadonlyMap<string, S7ConfiguredTag>, pollIntervalMs: number): ReadGroup[] {
  return groupTagsByInterval(tags, (tag) => tag.config.intervalMs ?? pollIntervalMs);
}
