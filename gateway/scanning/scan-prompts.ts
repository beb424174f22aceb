/**
 * What a scanner shows its operator, in English and Chinese: one function per reason code of
 * devices/scan-protocol.ts, each filling in the figures (°C, dates, days, shelves) and saying
 * what the problem is and what to do about it. The decider (scan-decider.ts) picks the function;
 * the English text is also the reason's `message` in the decision.
 *
 * Every reason code has an entry (the `satisfies` below makes a missing one a type error), so a
 * new code cannot reach a device without words.
 */
import type { ReasonCode, ScanOp, ScanOverride } from '../../devices/scan-protocol.ts';

export interface Prompt {
  en: string;
  zh: string;
}

export type Measurement = 'temperature' | 'humidity';

const opEn: Record<ScanOp, string> = { receive: 'receive', putaway: 'putaway', pick: 'pick', move: 'move', count: 'count' };
/** "do not ... ": what the operation does to the stock. */
const doEn: Record<ScanOp, string> = { receive: 'receive it', putaway: 'put it away', pick: 'pick it', move: 'move it', count: 'count it' };
const opZh: Record<ScanOp, string> = { receive: '收货', putaway: '上架', pick: '拣货', move: '移库', count: '盘点' };
const measurementZh: Record<Measurement, string> = { temperature: '温度', humidity: '湿度' };
const unitOf: Record<Measurement, string> = { temperature: ' °C', humidity: ' %RH' };

/** 9.4, 4, 61.5: at most one decimal, no trailing zero. */
export function figure(value: number): string {
  return String(Math.round(value * 10) / 10);
}
const measured = (m: Measurement, value: number): string => `${figure(value)}${unitOf[m]}`;
const rangeOf = (m: Measurement, min: number, max: number): string => `${figure(min)}-${figure(max)}${unitOf[m]}`;
const days = (n: number): string => `${n} ${n === 1 ? 'day' : 'days'}`;
const lotEn = (batch: string | undefined): string => (batch ? `lot ${batch}` : 'this lot');
const lotZh = (batch: string | undefined): string => (batch ? `批次${batch}` : '该批次');

export interface OkArgs { op: ScanOp; location?: string; item: string; batch?: string }
export type BadCodeArgs = { problem: string } | { noGtin: true };
export type UnknownLotArgs =
  | { kind: 'new'; batch: string; item: string }
  | { kind: 'unknown'; batch: string; item: string; op: ScanOp }
  | { kind: 'expiry-mismatch'; batch: string; labelExpiry: string; masterExpiry: string };
export interface ExpiryArgs { batch?: string; expiry: string; daysLeft: number; op: ScanOp }
export interface QuarantineArgs { batch?: string; reason?: string; op: ScanOp }
export interface NearExpiryArgs {
  batch?: string;
  expiry: string;
  daysLeft: number;
  /** The category threshold that applied, or the rule that recommended it. */
  thresholdDays?: number;
  ruleId?: string;
  /** A pick: shipping it needs the operator's confirmation (override force_ship_near_expiry). */
  needsConsent: boolean;
}
export interface FefoArgs { batch: string; expiry: string; earlierBatch: string; earlierExpiry: string; earlierLocation: string }
export interface ShelfArgs {
  location: string;
  measurement: Measurement;
  value: number;
  item: string;
  min: number;
  max: number;
  /** Another shelf of the zone with a good reading inside the range, and its value. */
  instead?: { location: string; value: number };
}
export interface NoReadingArgs {
  location: string;
  measurement: Measurement;
  why: 'no-sensor' | 'no-reading' | 'bad-quality' | 'stale';
  ageMinutes?: number;
  item: string;
  min: number;
  max: number;
}
export interface OverrideArgs { override: ScanOverride; operator: string; roles: readonly string[]; batch?: string; daysLeft?: number; location?: string }
export interface OverrideRefusedArgs { override: ScanOverride; roles: readonly string[]; holders: readonly string[] }
export interface RuleArgs { ruleId: string; kind: string; detail: Record<string, unknown> }

const noReasonEn: Record<NoReadingArgs['why'], (a: NoReadingArgs) => string> = {
  'no-sensor': (a) => `shelf ${a.location} has no ${a.measurement} sensor`,
  'no-reading': (a) => `no ${a.measurement} reading from shelf ${a.location} yet`,
  'bad-quality': (a) => `the ${a.measurement} sensor of shelf ${a.location} reports a bad reading`,
  stale: (a) => `the last ${a.measurement} reading of shelf ${a.location} is ${a.ageMinutes ?? '?'} min old`,
};
const noReasonZh: Record<NoReadingArgs['why'], (a: NoReadingArgs) => string> = {
  'no-sensor': (a) => `${a.location}货位没有${measurementZh[a.measurement]}传感器`,
  'no-reading': (a) => `${a.location}货位尚无${measurementZh[a.measurement]}读数`,
  'bad-quality': (a) => `${a.location}货位${measurementZh[a.measurement]}传感器读数异常`,
  stale: (a) => `${a.location}货位最近一次${measurementZh[a.measurement]}读数已是${a.ageMinutes ?? '?'}分钟前`,
};

const overrideZh: Record<ScanOverride, string> = { force_ship_near_expiry: '临期强制发货', putaway_on_alarm_shelf: '报警货位强制上架' };

/** The catalogue: reason code -> words. */
export const scanPrompts = {
  OK: (a: OkArgs): Prompt => ({
    en: `${opEn[a.op]}${a.location ? ` ${a.location}` : ''}: OK - ${a.item}${a.batch ? `, lot ${a.batch}` : ''}.`,
    zh: `${opZh[a.op]}${a.location ? ` ${a.location}` : ''}：正常 - ${a.item}${a.batch ? `，批次${a.batch}` : ''}。`,
  }),
  BAD_PAYLOAD: (a: { problem: string }): Prompt => ({
    en: `Scan not understood: ${a.problem}. Fix the scanner's message and send it again.`,
    zh: `扫描数据无法识别：${a.problem}。请修正后重新发送。`,
  }),
  BAD_CODE: (a: BadCodeArgs): Prompt => ('noGtin' in a
    ? {
      en: 'This code carries no GTIN (01): scan the GS1 label with the product number, not a shelf or serial label.',
      zh: '该条码不含GTIN（01）：请扫描带商品编码的GS1标签，而不是货位或序列号标签。',
    }
    : {
      // The parser's message already says what to do (rescan or key it in).
      en: `Barcode not readable as GS1: ${a.problem}.`,
      zh: `条码无法按GS1解析：${a.problem}。请重新扫描标签或手工录入。`,
    }),
  UNKNOWN_ITEM: (a: { gtin: string }): Prompt => ({
    en: `Unknown product GTIN ${a.gtin}: not in this site's master data. Set it aside and call the supervisor.`,
    zh: `未知商品GTIN ${a.gtin}：本站主数据中没有该商品。请放在一旁并联系主管。`,
  }),
  UNKNOWN_LOT: (a: UnknownLotArgs): Prompt => {
    if (a.kind === 'new') {
      return {
        en: `New lot ${a.batch} of ${a.item}: not in master data yet; it is received and reported.`,
        zh: `新批次${a.batch}（${a.item}）：主数据中尚无此批次，已收货并上报。`,
      };
    }
    if (a.kind === 'unknown') {
      return {
        en: `Unknown lot ${a.batch} of ${a.item}: not in master data, so you cannot ${doEn[a.op]}. Check the label; receive the lot first.`,
        zh: `未知批次${a.batch}（${a.item}）：主数据中没有此批次，不能${opZh[a.op]}。请核对标签，先办理收货。`,
      };
    }
    return scanPrompts.EXPIRY_MISMATCH(a);
  },
  EXPIRY_MISMATCH: (a: { batch: string; labelExpiry: string; masterExpiry: string }): Prompt => ({
    en: `The label of lot ${a.batch} says expiry ${a.labelExpiry}, master data says ${a.masterExpiry}: master data is used; report the label to QA.`,
    zh: `批次${a.batch}标签上的有效期为${a.labelExpiry}，主数据为${a.masterExpiry}：以主数据为准，请将标签问题报告质检。`,
  }),
  NOT_RECORDED: (a: { cause: 'undecided' | 'store-refused' }): Prompt => ({
    en: `Not booked: the gateway ${a.cause === 'undecided' ? 'could not decide this scan' : 'cannot record scans (its event store refused the write)'}. Stop and call the supervisor; scan again when it is fixed.`,
    zh: `未记账：网关${a.cause === 'undecided' ? '无法判定此次扫描' : '无法记录扫描（事件存储拒绝写入）'}。请停止作业并联系主管，修复后重新扫描。`,
  }),
  UNKNOWN_LOCATION: (a: { location: string }): Prompt => ({
    en: `Unknown location ${a.location}: not in master data. Scan the shelf label again.`,
    zh: `未知货位${a.location}：主数据中没有该货位。请重新扫描货位标签。`,
  }),
  LOCATION_REQUIRED: (a: { op: ScanOp }): Prompt => ({
    en: `${capital(opEn[a.op])} needs a location: scan the shelf label first, then the product.`,
    zh: `${opZh[a.op]}需要货位：请先扫描货位标签，再扫描商品。`,
  }),
  UNKNOWN_OPERATOR: (a: { operator: string; inactive: boolean }): Prompt => ({
    en: `Operator ${a.operator} is ${a.inactive ? 'inactive' : 'unknown'}: log in with your own badge or call the supervisor.`,
    zh: `操作员${a.operator}${a.inactive ? '已停用' : '不存在'}：请用本人工牌登录或联系主管。`,
  }),
  NOT_PERMITTED: (a: { operator: string; roles: readonly string[]; permission: string }): Prompt => ({
    en: `Operator ${a.operator} (role ${a.roles.join(', ')}) does not hold ${a.permission}: ask a supervisor to grant it.`,
    zh: `操作员${a.operator}（角色${a.roles.join('、')}）没有${a.permission}权限：请联系主管授权。`,
  }),
  EXPIRED: (a: ExpiryArgs): Prompt => {
    const ago = -a.daysLeft;
    if (a.op === 'count') {
      return {
        en: `${capital(lotEn(a.batch))} expired on ${a.expiry} (${days(ago)} ago): count it and tell QA to take it off the shelf.`,
        zh: `${lotZh(a.batch)}已过期（有效期至${a.expiry}，已过${ago}天）：请盘点并通知质检下架。`,
      };
    }
    return {
      en: `${capital(lotEn(a.batch))} expired on ${a.expiry} (${days(ago)} ago): do not ${doEn[a.op]}; take it to the quarantine area and tell QA.`,
      zh: `${lotZh(a.batch)}已过期（有效期至${a.expiry}，已过${ago}天）：不得${opZh[a.op]}，请移至隔离区并通知质检。`,
    };
  },
  QUARANTINED: (a: QuarantineArgs): Prompt => {
    const why = a.reason ? ` (${a.reason})` : '';
    const whyZh = a.reason ? `（${a.reason}）` : '';
    if (a.op === 'count') {
      return {
        en: `${capital(lotEn(a.batch))} is quarantined${why}: count it and leave it where it is.`,
        zh: `${lotZh(a.batch)}已隔离${whyZh}：请盘点并原地保留。`,
      };
    }
    return {
      en: `${capital(lotEn(a.batch))} is quarantined${why}: do not ${doEn[a.op]}; leave it where it is and call QA.`,
      zh: `${lotZh(a.batch)}已隔离${whyZh}：不得${opZh[a.op]}，请原地保留并联系质检。`,
    };
  },
  NEAR_EXPIRY: (a: NearExpiryArgs): Prompt => {
    const why = a.ruleId ? ` (rule ${a.ruleId})` : a.thresholdDays !== undefined ? `, under ${a.thresholdDays}` : '';
    const whyZh = a.ruleId ? `（规则${a.ruleId}）` : a.thresholdDays !== undefined ? `，少于${a.thresholdDays}天` : '';
    const en = a.ruleId
      ? `${capital(lotEn(a.batch))} expires on ${a.expiry} (${days(a.daysLeft)} left): ship first${why}.`
      : `${capital(lotEn(a.batch))} expires on ${a.expiry} (${days(a.daysLeft)} left${why}): ship first.`;
    const zh = a.ruleId
      ? `${lotZh(a.batch)}将于${a.expiry}到期（剩余${a.daysLeft}天）：优先发货${whyZh}。`
      : `${lotZh(a.batch)}将于${a.expiry}到期（剩余${a.daysLeft}天${whyZh}）：优先发货。`;
    if (!a.needsConsent) return { en, zh };
    return {
      en: `${en} Shipping it needs consent: scan again confirming the override force_ship_near_expiry.`,
      zh: `${zh}发出该批次需确认：请确认"${overrideZh.force_ship_near_expiry}"（force_ship_near_expiry）后重新扫描。`,
    };
  },
  FEFO: (a: FefoArgs): Prompt => ({
    en: `FEFO: lot ${a.earlierBatch} expires earlier (${a.earlierExpiry}) than lot ${a.batch} (${a.expiry}): pick from ${a.earlierLocation} instead.`,
    zh: `先到期先出：批次${a.earlierBatch}（${a.earlierExpiry}到期）早于批次${a.batch}（${a.expiry}到期），请改到${a.earlierLocation}货位拣货。`,
  }),
  SHELF_OUT_OF_RANGE: (a: ShelfArgs): Prompt => ({
    en: `Shelf ${a.location} is at ${measured(a.measurement, a.value)}; ${a.item} must be stored at ${rangeOf(a.measurement, a.min, a.max)} - `
      + (a.instead ? `put it away on ${a.instead.location} (${measured(a.measurement, a.instead.value)}).` : 'put it away on another shelf in range.'),
    zh: `${a.location}货位当前${measurementZh[a.measurement]}${measured(a.measurement, a.value)}，${a.item}须在${rangeOf(a.measurement, a.min, a.max)}储存，`
      + (a.instead ? `请放到${a.instead.location}货位（${measured(a.measurement, a.instead.value)}）。` : '请放到其他符合条件的货位。'),
  }),
  SHELF_NO_READING: (a: NoReadingArgs): Prompt => ({
    en: `${capital(noReasonEn[a.why](a))}; ${a.item} must be stored at ${rangeOf(a.measurement, a.min, a.max)}: check the shelf's ${a.measurement} before putting it away.`,
    zh: `${noReasonZh[a.why](a)}；${a.item}须在${rangeOf(a.measurement, a.min, a.max)}储存：上架前请核实货位${measurementZh[a.measurement]}。`,
  }),
  LOCATION_BLOCKED: (a: { location: string; instead?: string }): Prompt => ({
    en: `Put-away at ${a.location} is blocked by a rule (the shelf is out of its range): `
      + (a.instead ? `put it away on ${a.instead} and tell QA.` : 'use another shelf and tell QA.'),
    zh: `${a.location}货位已被规则禁止上架（货位环境超限）：` + (a.instead ? `请放到${a.instead}货位并通知质检。` : '请改用其他货位并通知质检。'),
  }),
  QTY_INVALID: (a: { qty: number; unit: string }): Prompt => ({
    en: `Quantity ${a.qty} is not valid for unit ${a.unit}: enter a whole number above 0.`,
    zh: `数量${a.qty}对单位${a.unit}无效：请输入大于0的整数。`,
  }),
  QTY_MISMATCH: (a: { qty: number; labelQty: number }): Prompt => ({
    en: `Quantity ${a.qty} disagrees with the label's ${a.labelQty}: count again and enter what is there.`,
    zh: `数量${a.qty}与标签上的${a.labelQty}不符：请重新清点并录入实际数量。`,
  }),
  QTY_EXCEEDS_STOCK: (a: { qty: number; booked: number; batch: string; location: string }): Prompt => ({
    en: `Picking ${a.qty} of lot ${a.batch} at ${a.location}, but the books hold ${a.booked}: count the shelf and report the difference.`,
    zh: `在${a.location}货位拣货${a.qty}（批次${a.batch}），但账面只有${a.booked}：请盘点该货位并上报差异。`,
  }),
  OVERRIDE_APPLIED: (a: OverrideArgs): Prompt => {
    const who = `${a.operator} (${a.roles.join(', ')})`;
    const whoZh = `${a.operator}（${a.roles.join('、')}）`;
    if (a.override === 'force_ship_near_expiry') {
      return {
        en: `Shipping near-expiry ${lotEn(a.batch)}${a.daysLeft !== undefined ? ` (${days(a.daysLeft)} left)` : ''} confirmed by ${who}; recorded.`,
        zh: `${lotZh(a.batch)}临期发货${a.daysLeft !== undefined ? `（剩余${a.daysLeft}天）` : ''}已由${whoZh}确认并记录。`,
      };
    }
    return {
      en: `Put-away on alarm shelf ${a.location ?? ''} confirmed by ${who}; recorded.`,
      zh: `在报警货位${a.location ?? ''}上架已由${whoZh}确认并记录。`,
    };
  },
  OVERRIDE_REFUSED: (a: OverrideRefusedArgs): Prompt => ({
    en: `Your role ${a.roles.join(', ') || '(none)'} does not hold override.${a.override}; ask a supervisor${a.holders.length > 0 ? ` (${a.holders.join(', ')})` : ''}.`,
    zh: `您的角色${a.roles.join('、') || '（无）'}没有override.${a.override}（${overrideZh[a.override]}）权限；请联系主管${a.holders.length > 0 ? `（${a.holders.join('、')}）` : ''}。`,
  }),
  RULE: (a: RuleArgs): Prompt => {
    const recommendation = typeof a.detail.recommendation === 'string' ? a.detail.recommendation : undefined;
    return recommendation
      ? { en: `Rule ${a.ruleId} recommends "${recommendation}".`, zh: `规则${a.ruleId}建议"${recommendation}"。` }
      : { en: `Rule ${a.ruleId}: ${a.kind}.`, zh: `规则${a.ruleId}：${a.kind}。` };
  },
} satisfies Record<ReasonCode, (args: never) => Prompt>;

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
