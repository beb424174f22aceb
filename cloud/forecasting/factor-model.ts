/**
 * Explainable forecasts (issue 8, item 4): forecast = model baseline x named factors, every
 * factor visible per day with its value and the reason it applies, so a planner can see why the
 * forecast for 10 February is 15% under the model and change exactly that.
 *
 * A factor set is planner data (versioned in factor-versions.ts), checked here once by a schema:
 * - `spring-festival-decay`: the N days before Chinese New Year, x multiplier (e.g. 0.85 on the
 *   21 days before: shops and logistics wind down).
 * - `holiday`: US or Chinese public holiday days (all, or one by name), x multiplier.
 * - `promotion-uplift` / `event-effect`: days a promotion / event (the calendar's ranges) runs.
 * - `near-expiry` (replenishment): days whose sellable stock is within N days of expiry demand
 *   less of it, x multiplier (the caller says the remaining shelf life per day).
 * - `supplier-reliability` (replenishment): a supplier delivering only a share on time in full
 *   needs 1 / share more ordered; applies when the context names that supplier.
 * Factors that do not apply on a day are left out of its decomposition; the forecast is the
 * baseline times the product of the ones that do.
 */
import { z } from 'zod';
import { calendarFeaturesOf, checkCalendarOptions, dayStartMs, type CalendarFeatures, type CalendarOptions } from './calendar-features.ts';

const factorName = z.string().trim().min(1, 'expected a non-empty name').max(80);
const multiplier = z.number().positive('expected a multiplier > 0 (1 = no effect)').max(10, 'expected a multiplier <= 10');

export const factorDefinitionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('spring-festival-decay'), name: factorName, daysBefore: z.number().int().min(1).max(60), multiplier }),
  z.strictObject({ kind: z.literal('holiday'), name: factorName, country: z.enum(['US', 'CN']), holiday: z.string().min(1).optional(), multiplier }),
  z.strictObject({ kind: z.literal('promotion-uplift'), name: factorName, promotion: z.string().min(1).optional(), multiplier }),
  z.strictObject({ kind: z.literal('event-effect'), name: factorName, event: z.string().min(1).optional(), multiplier }),
  z.strictObject({ kind: z.literal('near-expiry'), name: factorName, withinDays: z.number().int().min(0).max(3650), multiplier }),
  z.strictObject({ kind: z.literal('supplier-reliability'), name: factorName, supplier: z.string().min(1), onTimeInFullRate: z.number().gt(0).max(1) }),
]);

export const factorSetSchema = z.strictObject({ factors: z.array(factorDefinitionSchema).max(200) }).superRefine((set, context) => {
  const seen = new Set<string>();
  set.factors.forEach((factor, index) => {
    if (seen.has(factor.name)) context.addIssue({ code: 'custom', path: ['factors', index, 'name'], message: `duplicate factor name "${factor.name}": names identify factors in decompositions, rename one` });
    seen.add(factor.name);
  });
});

export type FactorDefinition = z.infer<typeof factorDefinitionSchema>;
export type FactorKind = FactorDefinition['kind'];
export type FactorSet = z.infer<typeof factorSetSchema>;

export class FactorSetError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid factor set: ${problems.join('; ')}`);
    this.name = 'FactorSetError';
  }
}

/** Checks planner input; every problem is reported at once, each naming its field. */
export function parseFactorSet(input: unknown): FactorSet {
  const result = factorSetSchema.safeParse(input);
  if (!result.success) {
    throw new FactorSetError(result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(factor set)'}: ${issue.message}`));
  }
  return result.data;
}

export interface BaselineDay {
  readonly day: string;
  /** The model's (or a baseline model's) forecast for the day, before factors. */
  readonly baseline: number;
}

export interface FactorContext {
  /** Promotions/events and the Spring Festival window for the calendar. */
  readonly calendar?: CalendarOptions;
  /** Replenishment: remaining shelf life of the stock that would serve the day (null: unknown). */
  readonly remainingShelfLifeDays?: (day: string) => number | null;
  /** Replenishment: the supplier the order would go to. */
  readonly supplier?: string;
}

export interface AppliedFactor {
  readonly name: string;
  readonly kind: FactorKind;
  readonly value: number;
  readonly why: string;
}

export interface DayDecomposition {
  readonly day: string;
  readonly baseline: number;
  readonly factors: AppliedFactor[];
  readonly forecast: number;
}

type Evaluation = { value: number; why: string } | null;
type Evaluator<K extends FactorKind> = (factor: Extract<FactorDefinition, { kind: K }>, day: CalendarFeatures, context: FactorContext) => Evaluation;

const evaluators: { [K in FactorKind]: Evaluator<K> } = {
  'spring-festival-decay': (factor, day) => {
    const offset = day.daysFromChineseNewYear;
    if (offset === null || offset >= 0 || offset < -factor.daysBefore) return null;
    return { value: factor.multiplier, why: `${-offset} day(s) before Chinese New Year ${day.chineseNewYear}: x${factor.multiplier} on the ${factor.daysBefore} days before it` };
  },
  holiday: (factor, day) => {
    const holiday = factor.country === 'US' ? day.usHoliday : day.chinaHoliday;
    if (holiday === null || (factor.holiday !== undefined && factor.holiday !== holiday)) return null;
    return { value: factor.multiplier, why: `${factor.country} holiday ${holiday}: x${factor.multiplier}` };
  },
  'promotion-uplift': (factor, day) => {
    const running = day.promotions.find((name) => factor.promotion === undefined || name === factor.promotion);
    return running === undefined ? null : { value: factor.multiplier, why: `promotion ${running} runs: x${factor.multiplier}` };
  },
  'event-effect': (factor, day) => {
    const running = day.events.find((name) => factor.event === undefined || name === factor.event);
    return running === undefined ? null : { value: factor.multiplier, why: `event ${running}: x${factor.multiplier}` };
  },
  'near-expiry': (factor, day, context) => {
    const remaining = context.remainingShelfLifeDays?.(day.day) ?? null;
    if (remaining === null || remaining > factor.withinDays) return null;
    return { value: factor.multiplier, why: `stock has ${remaining} day(s) of shelf life left (within ${factor.withinDays}): demand it can serve x${factor.multiplier}` };
  },
  'supplier-reliability': (factor, _day, context) => {
    if (context.supplier !== factor.supplier) return null;
    const value = 1 / factor.onTimeInFullRate;
    return { value, why: `supplier ${factor.supplier} delivers ${Math.round(factor.onTimeInFullRate * 1000) / 10}% on time in full: order x${Math.round(value * 10000) / 10000} (1 / ${factor.onTimeInFullRate})` };
  },
};

function evaluate(factor: FactorDefinition, day: CalendarFeatures, context: FactorContext): Evaluation {
  return (evaluators[factor.kind] as Evaluator<FactorKind>)(factor as never, day, context);
}

/** Per day: the baseline, every factor that applies with its reason, and the forecast. */
export function decomposeForecast(baseline: readonly BaselineDay[], factorSet: FactorSet, context: FactorContext = {}): DayDecomposition[] {
  const problems: string[] = [];
  baseline.forEach((entry, index) => {
    try {
      dayStartMs(entry.day, `baseline.${index}.day`);
    } catch (error) {
      problems.push((error as Error).message);
    }
    if (!Number.isFinite(entry.baseline) || entry.baseline < 0) problems.push(`baseline.${index}.baseline: expected a forecast >= 0, found ${String(entry.baseline)}`);
  });
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  checkCalendarOptions(context.calendar ?? {});
  const features = new Map<string, CalendarFeatures>();
  return baseline.map(({ day, baseline: value }) => {
    let dayFeatures = features.get(day);
    if (dayFeatures === undefined) {
      dayFeatures = calendarFeaturesOf(day, context.calendar);
      features.set(day, dayFeatures);
    }
    const applied: AppliedFactor[] = [];
    for (const factor of factorSet.factors) {
      const result = evaluate(factor, dayFeatures, context);
      if (result !== null) applied.push({ name: factor.name, kind: factor.kind, ...result });
    }
    const forecast = applied.reduce((product, factor) => product * factor.value, value);
    return { day, baseline: value, factors: applied, forecast };
  });
}
