/**
 * What changed between two connector lists, for the audit log and the history screen. Lists of
 * named things (connectors, tags) are matched by name, not position, so inserting a tag shows
 * as one addition rather than every later tag changing; paths read like
 * `connectors[press-plc].tags[shot-count].address`.
 */
export interface ConfigChange {
  op: 'add' | 'remove' | 'change';
  path: string;
  before?: unknown;
  after?: unknown;
}

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNamedList = (v: Json): v is Array<Record<string, Json> & { name: string }> =>
  Array.isArray(v) && v.every((item) => isObject(item) && typeof item.name === 'string');

export function diffConfigs(before: Json, after: Json, path = 'connectors'): ConfigChange[] {
  if (isNamedList(before) && isNamedList(after)) {
    const changes: ConfigChange[] = [];
    const old = new Map(before.map((item) => [item.name, item]));
    const next = new Map(after.map((item) => [item.name, item]));
    for (const [name, item] of old) {
      if (!next.has(name)) changes.push({ op: 'remove', path: `${path}[${name}]`, before: item });
    }
    for (const [name, item] of next) {
      const previous = old.get(name);
      if (previous === undefined) changes.push({ op: 'add', path: `${path}[${name}]`, after: item });
      else changes.push(...diffConfigs(previous, item, `${path}[${name}]`));
    }
    return changes;
  }
  if (isObject(before) && isObject(after)) {
    const changes: ConfigChange[] = [];
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const sub = `${path}.${key}`;
      if (!(key in after)) changes.push({ op: 'remove', path: sub, before: before[key] });
      else if (!(key in before)) changes.push({ op: 'add', path: sub, after: after[key] });
      else changes.push(...diffConfigs(before[key], after[key], sub));
    }
    return changes;
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ op: 'change', path, before, after }];
}
