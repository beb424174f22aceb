import { describe, expect, it } from 'vitest';
import { calendarFeatures } from './calendar-features.ts';
import { calendarExplanations, cleanDemand } from './demand-cleaning.ts';
import { seededRandom } from './seeded-random.ts';
import { usBirthsSeries } from './us-births-series.ts';

/** 2026-01-05 is a Monday; weekdays sell about 100, Saturdays 150, Sundays 50, +-4% of noise. */
const FIRST_DAY = '2026-01-05';
function weeklySales(days: number, seed = 7): number[] {
  const random = seededRandom(seed);
  const byWeekday = [100, 100, 100, 100, 100, 150, 50];
  return Array.from({ length: days }, (_, index) => Math.round(byWeekday[index % 7]! * (1 + random.uniform(-0.04, 0.04))));
}

describe('demand cleaning', () => {
  it('caps a planted outlier, explains it, and leaves busy Saturdays alone', () => {
    const sales = weeklySales(84);
    sales[30] = 600; // a Wednesday
    const cleaned = cleanDemand({ firstDay: FIRST_DAY, sales });
    // A Saturday is expected from Saturdays, a Sunday from Sundays.
    expect(cleaned.days[5]!.expected).toBeGreaterThan(145);
    expect(cleaned.days[5]!.expected).toBeLessThan(155);
    expect(cleaned.days[6]!.expected).toBeGreaterThan(48);
    expect(cleaned.days[6]!.expected).toBeLessThan(52);
    expect(cleaned.changes).toHaveLength(1);
    const [change] = cleaned.changes;
    expect(change).toMatchObject({ day: '2026-02-04', index: 30, kind: 'outlier-capped', original: 600 });
    // Capped at expected x (1 + 3.5 robust sd): above every ordinary weekday, far under the spike.
    expect(change!.cleaned).toBeGreaterThan(104);
    expect(change!.cleaned).toBeLessThan(130);
    expect(change!.why).toMatch(/^outlier: 600 is [\d.]+ robust standard deviations above the expected [\d.]+ \(median of the same weekday within 5 weeks; limit 3.5\); capped at the limit, [\d.]+$/);
    expect(cleaned.demand[30]).toBe(change!.cleaned);
    expect(cleaned.days[30]).toMatchObject({ sales: 600, demand: change!.cleaned, outlier: true, censored: false });
    // Every other day is untouched.
    expect(cleaned.demand.filter((value, index) => value !== sales[index])).toHaveLength(1);
  });

  it('treats zero sales at zero stock as unknown demand, not zero demand', () => {
    const sales = weeklySales(84);
    const closingStock: (number | null)[] = sales.map(() => 40);
    for (const index of [44, 45, 46]) {
      sales[index] = 0; // Wednesday to Friday of week 7: the shelf was empty
      closingStock[index] = 0;
    }
    sales[47] = 30; // Saturday: the refill sold out by noon
    closingStock[47] = 0;
    closingStock[48] = null; // unknown stock is not a stock-out
    const cleaned = cleanDemand({ firstDay: FIRST_DAY, sales, closingStock });

    const imputed = cleaned.changes.filter((change) => change.kind === 'stock-out-imputed');
    expect(imputed.map((change) => change.index)).toEqual([44, 45, 46]);
    for (const change of imputed) {
      expect(change.original).toBe(0);
      expect(change.cleaned).toBeGreaterThan(95);
      expect(change.cleaned).toBeLessThan(105);
      expect(change.why).toMatch(/^stock-out: closing stock was 0 and nothing sold, so demand is unknown, not zero/);
      expect(cleaned.days[change.index]).toMatchObject({ censored: true, outlier: false, sales: 0 });
    }
    const raised = cleaned.changes.find((change) => change.kind === 'sold-out-raised')!;
    expect(raised).toMatchObject({ index: 47, original: 30 });
    expect(raised.cleaned).toBeGreaterThan(140); // a Saturday
    expect(cleaned.days[48]).toMatchObject({ censored: false, demand: sales[48] });
    expect(cleaned.changes).toHaveLength(4);
  });

  it('flags but keeps an outlier the calendar explains', () => {
    const sales = weeklySales(84);
    sales[70] = 20; // Monday 2026-03-16: a dip nothing explains...
    sales[71] = 420; // ...and a spike on a promotion day
    const features = calendarFeatures(FIRST_DAY, 84, { ranges: [{ name: 'Flash sale', kind: 'promotion', from: '2026-03-17', to: '2026-03-17' }] });
    const explainedDays = calendarExplanations(features, { chinaHolidays: false, springFestivalWindow: false, usHolidays: false });
    expect([...explainedDays]).toEqual([['2026-03-17', 'promotion Flash sale']]);
    const cleaned = cleanDemand({ firstDay: FIRST_DAY, sales }, { explainedDays });
    expect(cleaned.days[71]).toMatchObject({ sales: 420, demand: 420, outlier: true });
    expect(cleaned.days[71]!.note).toMatch(/^[\d.]+ robust standard deviations above the expected [\d.]+ but kept: promotion Flash sale$/);
    expect(cleaned.changes.map((change) => [change.index, change.kind])).toEqual([[70, 'outlier-capped']]);
    expect(cleaned.changes[0]!.why).toMatch(/below the expected/);
    expect(cleaned.changes[0]!.cleaned).toBeGreaterThan(70);
    expect(cleaned.changes[0]!.cleaned).toBeLessThan(96);
  });

  it('on the real US births series keeps explained holidays and caps unexplained days like Halloween', () => {
    const births = usBirthsSeries();
    const sales = Array.from(births.values);
    const features = calendarFeatures(births.firstDate, sales.length);
    const explainedDays = calendarExplanations(features, { chinaHolidays: false, springFestivalWindow: false });
    const cleaned = cleanDemand({ firstDay: births.firstDate, sales }, { explainedDays });
    const holidays = features.filter((day) => day.usHoliday !== null).map((day) => day.day);
    const changedDays = new Set(cleaned.changes.map((change) => change.day));
    expect(holidays.filter((day) => changedDays.has(day))).toEqual([]);
    // Christmas Day is far below any other day of its weekday, every year: flagged, kept.
    const christmases = cleaned.days.filter((day) => day.day.endsWith('-12-25'));
    expect(christmases).toHaveLength(15);
    for (const day of christmases) expect(day).toMatchObject({ outlier: true, demand: day.sales, note: expect.stringMatching(/but kept: US holiday Christmas Day$/) });
    // Births fall on Halloween (not a holiday in the table): capped up towards an ordinary Tuesday.
    const halloween = cleaned.changes.find((change) => change.day === '2000-10-31')!;
    expect(halloween.kind).toBe('outlier-capped');
    expect(halloween.cleaned).toBeGreaterThan(halloween.original);
    expect(cleaned.changes.length / sales.length).toBeLessThan(0.05);
  });

  it('does not outlier-check an intermittent series', () => {
    const sales: number[] = Array.from({ length: 60 }, (_, index) => (index % 9 === 0 ? 5 : 0));
    sales[20] = 40;
    const cleaned = cleanDemand({ firstDay: FIRST_DAY, sales });
    expect(cleaned.changes).toEqual([]);
    expect(cleaned.demand).toEqual(sales);
  });

  it('refuses bad input, naming every field at fault', () => {
    const attempt = () => cleanDemand({ firstDay: '2026-1-5', sales: [3, -1, Number.NaN], closingStock: [1, 2] }, { threshold: 0 });
    expect(attempt).toThrow(RangeError);
    expect(attempt).toThrow(/firstDay: expected a calendar day as YYYY-MM-DD, found "2026-1-5"/);
    expect(attempt).toThrow(/sales\.1: expected units sold >= 0, found -1; sales\.2: expected units sold >= 0, found NaN/);
    expect(attempt).toThrow(/closingStock: expected one entry per sales day \(3\), found 2; use null for an unknown day/);
    expect(attempt).toThrow(/threshold: expected a number of standard deviations > 0, found 0/);
  });
});
