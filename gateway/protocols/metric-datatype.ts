/**
 * The Sparkplug datatype of a polled tag, from what the device holds and how it is scaled:
 * bits are Boolean, text is String; an unscaled 32-bit float is Float and any other float
 * Double; a non-integer scale or offset gives Double; integers (optionally scaled by integers)
 * are Int32 when every raw value still fits, else Int64.
 */
import type { ScalarDataTypeName } from '../../connectors/sparkplug/index.ts';

/** What the device holds: an integer range, a float width, a bit or text. */
export type RawKind = readonly [min: number, max: number] | 'float32' | 'float64' | 'bool' | 'string';

const INT32: readonly [number, number] = [-(2 ** 31), 2 ** 31 - 1];

export function metricDataType(raw: RawKind, scaling: { scale: number; offset: number }): ScalarDataTypeName {
  if (raw === 'bool') return 'Boolean';
  if (raw === 'string') return 'String';
  const scaled = scaling.scale !== 1 || scaling.offset !== 0;
  if (raw === 'float32' || raw === 'float64') return raw === 'float32' && !scaled ? 'Float' : 'Double';
  if (!Number.isInteger(scaling.scale) || !Number.isInteger(scaling.offset)) return 'Double';
  const ends = raw.map((value) => value * scaling.scale + scaling.offset);
  return Math.min(...ends) >= INT32[0] && Math.max(...ends) <= INT32[1] ? 'Int32' : 'Int64';
}
