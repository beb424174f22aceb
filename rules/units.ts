/**
 * Units a rule may write, by dimension, with their English and Chinese words. A value converts to
 * its dimension's base unit as `base = value * factor + offset` (°F: (f - 32) * 5/9 = f * 5/9 -
 * 160/9). The checker refuses comparing quantities of different dimensions (°C with mm); the
 * compilers convert a rule's constants into the unit the tag delivers, so evaluation never converts.
 */

export type Dimension = 'temperature' | 'length' | 'mass' | 'time' | 'count' | 'ratio' | 'current' | 'pressure';

export interface UnitDefinition {
  symbol: string;
  dimension: Dimension;
  factor: number;
  offset: number;
  /** Words a rule may use for it, English (singular and plural) and Chinese; the symbol always works. */
  en: readonly string[];
  zh: readonly string[];
}

const u = (symbol: string, dimension: Dimension, factor: number, en: string[], zh: string[], offset = 0): UnitDefinition =>
  ({ symbol, dimension, factor, offset, en, zh });

/** Base units: °C, m, kg, s, count (1), ratio (1), A, Pa. */
export const units: readonly UnitDefinition[] = [
  u('°C', 'temperature', 1, ['degrees Celsius', 'degree Celsius', 'degC'], ['℃', '摄氏度']),
  u('°F', 'temperature', 5 / 9, ['degrees Fahrenheit', 'degree Fahrenheit', 'degF'], ['℉', '华氏度'], -160 / 9),
  u('K', 'temperature', 1, ['kelvin'], ['开尔文'], -273.15),
  u('mm', 'length', 0.001, ['millimetres', 'millimetre', 'millimeters', 'millimeter'], ['毫米']),
  u('cm', 'length', 0.01, ['centimetres', 'centimetre', 'centimeters', 'centimeter'], ['厘米']),
  u('m', 'length', 1, ['metres', 'metre', 'meters', 'meter'], ['米']),
  u('g', 'mass', 0.001, ['grams', 'gram'], ['克']),
  u('kg', 'mass', 1, ['kilograms', 'kilogram', 'kilos', 'kilo'], ['公斤', '千克']),
  u('t', 'mass', 1000, ['tonnes', 'tonne', 'tons', 'ton'], ['吨']),
  u('ms', 'time', 0.001, ['milliseconds', 'millisecond'], ['毫秒']),
  u('s', 'time', 1, ['seconds', 'second', 'sec', 'secs'], ['秒', '秒钟']),
  u('min', 'time', 60, ['minutes', 'minute', 'mins'], ['分钟']),
  u('h', 'time', 3600, ['hours', 'hour', 'hrs', 'hr'], ['小时']),
  u('d', 'time', 86400, ['days', 'day'], ['天', '日']),
  u('count', 'count', 1, ['pieces', 'piece', 'pcs', 'shots', 'shot', 'welds', 'weld', 'times'], ['个', '件', '次', '模', '点']),
  u('%', 'ratio', 0.01, ['percent', 'per cent'], ['百分之']),
  u('%RH', 'ratio', 0.01, ['percent relative humidity', '% RH'], ['相对湿度']),
  u('A', 'current', 1, ['amperes', 'ampere', 'amps', 'amp'], ['安', '安培']),
  u('kA', 'current', 1000, ['kiloamperes', 'kiloampere', 'kiloamps'], ['千安']),
  u('bar', 'pressure', 100000, ['bars'], ['巴']),
  u('kPa', 'pressure', 1000, ['kilopascals', 'kilopascal'], ['千帕']),
];

export const unitSymbols: ReadonlySet<string> = new Set(units.map((x) => x.symbol));

const bySymbol = new Map(units.map((x) => [x.symbol, x]));

export function unitOf(symbol: string): UnitDefinition | undefined {
  return bySymbol.get(symbol);
}

/** Every spelling (symbol, EN and ZH words) -> symbol; EN words compared case-insensitively. */
export const unitSpellings: ReadonlyMap<string, string> = new Map(
  units.flatMap((x) => [[x.symbol, x.symbol], [x.symbol.toLowerCase(), x.symbol], ...x.en.map((w) => [w.toLowerCase(), x.symbol]), ...x.zh.map((w) => [w, x.symbol])] as [string, string][]),
);

/** `value` in `from` expressed in `to`; throws when the dimensions differ (the checker catches that first). */
export function convert(value: number, from: string, to: string): number {
  if (from === to) return value;
  const a = bySymbol.get(from);
  const b = bySymbol.get(to);
  if (!a || !b) throw new Error(`unknown unit ${!a ? from : to}`);
  if (a.dimension !== b.dimension) throw new Error(`cannot convert ${from} (${a.dimension}) to ${to} (${b.dimension})`);
  return (value * a.factor + a.offset - b.offset) / b.factor;
}

/** A time quantity in milliseconds. */
export function durationMs(value: number, unit: string): number {
  const def = bySymbol.get(unit);
  if (!def || def.dimension !== 'time') throw new Error(`${unit} is not a unit of time; expected s, min, h or d`);
  return value * def.factor * 1000;
}
