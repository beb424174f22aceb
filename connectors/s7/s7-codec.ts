/**
 * Between nodes7 values and engineering values: scaling (engineering = raw * scale + offset)
 * for numbers, and range checks before a write so a value that does not fit never reaches
 * the PLC (where S7 would silently truncate it).
 */
import type { TagScalar } from '../connector.ts';
import { ConnectorError } from '../errors.ts';
import { s7DataTypes, type S7Address } from './s7-address.ts';

export interface Scaling {
  scale: number;
  offset: number;
}

const float32Max = 3.4028234663852886e38;

/** Decodes what nodes7 returned for one scalar address; undefined when it has the wrong shape. */
export function toEngineering(raw: unknown, address: S7Address, scaling: Scaling): TagScalar | undefined {
  const kind = s7DataTypes[address.type].value;
  if (typeof raw !== kind) return undefined;
  if (kind !== 'number') return raw as string | boolean;
  const value = (raw as number) * scaling.scale + scaling.offset;
  // NaN and infinities cannot travel as JSON or Sparkplug metrics a consumer can trust.
  return Number.isFinite(value) ? value : undefined;
}

/** The raw value nodes7 writes for an engineering value; throws OUT_OF_RANGE when it does not fit. */
export function toRaw(value: number | boolean, address: S7Address, scaling: Scaling, tagName: string): number | boolean {
  const info = s7DataTypes[address.type];
  if (info.value === 'string') {
    throw new ConnectorError('OUT_OF_RANGE', `tag "${tagName}" is ${address.type}; the connector writes numbers and booleans only`);
  }
  if (address.count > 1) throw new ConnectorError('OUT_OF_RANGE', `tag "${tagName}" (${address.text}) is an array; write its elements`);
  if (info.value === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 0 || value === 1) return value === 1;
    throw new ConnectorError('OUT_OF_RANGE', `bit "${tagName}" takes true/false (or 1/0), got ${value}`);
  }
  const engineering = typeof value === 'boolean' ? Number(value) : value;
  const raw = (engineering - scaling.offset) / scaling.scale;
  if (!Number.isFinite(raw)) throw new ConnectorError('OUT_OF_RANGE', `tag "${tagName}": ${value} is not a finite number`);
  if (info.float === 32 && Math.abs(raw) > float32Max) {
    throw new ConnectorError('OUT_OF_RANGE', `tag "${tagName}": ${raw} does not fit a REAL (|x| <= ${float32Max})`);
  }
  if (!info.range) return raw;
  const rounded = Math.round(raw);
  const [min, max] = info.range;
  if (rounded < min || rounded > max) {
    throw new ConnectorError('OUT_OF_RANGE', `tag "${tagName}": raw ${rounded} does not fit ${address.type} (${min}..${max})`);
  }
  return rounded;
}
