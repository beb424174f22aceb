/**
 * How canonical text writes a unit after a number. English writes the symbol (`1.8 mm`, `8 °C`)
 * except for time and counts, which read as words (`5 minutes`, `1 day`, `3 pieces`); Chinese
 * writes ℃ and the words the plant uses (`15公斤`, `5分钟`, `60天`) and Latin symbols otherwise
 * (`1.8mm`). Every spelling here is one rules/units.ts lists, so the parser reads it back.
 */
import type { Lang } from './term-phrase.ts';

interface UnitText {
  /** English plural (or symbol); singular when different. */
  en: string;
  enOne?: string;
  zh: string;
}

const texts: Readonly<Record<string, UnitText>> = {
  '°C': { en: '°C', zh: '℃' },
  '°F': { en: '°F', zh: '℉' },
  K: { en: 'K', zh: 'K' },
  mm: { en: 'mm', zh: 'mm' },
  cm: { en: 'cm', zh: 'cm' },
  m: { en: 'm', zh: 'm' },
  g: { en: 'g', zh: '克' },
  kg: { en: 'kg', zh: '公斤' },
  t: { en: 't', zh: '吨' },
  ms: { en: 'milliseconds', enOne: 'millisecond', zh: '毫秒' },
  s: { en: 'seconds', enOne: 'second', zh: '秒' },
  min: { en: 'minutes', enOne: 'minute', zh: '分钟' },
  h: { en: 'hours', enOne: 'hour', zh: '小时' },
  d: { en: 'days', enOne: 'day', zh: '天' },
  count: { en: 'pieces', enOne: 'piece', zh: '个' },
  '%': { en: '%', zh: '%' },
  '%RH': { en: '%RH', zh: '%RH' },
  A: { en: 'A', zh: 'A' },
  kA: { en: 'kA', zh: 'kA' },
  bar: { en: 'bar', zh: 'bar' },
  kPa: { en: 'kPa', zh: 'kPa' },
};

/** `unit` as written after `value` (English puts a space before it, Chinese does not). */
export function unitText(unit: string, value: number, lang: Lang): string {
  const text = texts[unit];
  if (!text) return lang === 'en' ? ` ${unit}` : unit;
  if (lang === 'zh') return text.zh;
  return ` ${value === 1 && text.enOne ? text.enOne : text.en}`;
}
