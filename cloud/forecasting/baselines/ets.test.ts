import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
import { ExponentialSmoothing } from './ets.ts';

const additiveWeek = [-20, 10, 15, 5, 25, -10, -25];
const multiplicativeWeek = [0.8, 1.1, 1.15, 1.05, 1.25, 0.9, 0.75];

/** Level 200 rising 0.5 a day with a weekly season and 1% noise; `truth` is the noise-free value. */
function trendAndSeason(form: 'additive' | 'multiplicative', days: number) {
  const random = seededRandom(7);
  const truth = (t: number) => (form === 'additive' ? 200 + 0.5 * t + additiveWeek[t % 7]! : (200 + 0.5 * t) * multiplicativeWeek[t % 7]!);
  const values = Array.from({ length: days }, (_, t) => truth(t) * (1 + 0.01 * random.normal()));
  return { series: { id: form, values, firstIsoWeekday: 1 }, truth };
}

describe('ETS (additive-error Holt-Winters, damped trend)', () => {
  for (const form of ['additive', 'multiplicative'] as const) {
    it(`forecasts a trend with a ${form} weekly season within 3% of the truth, 14 days out`, () => {
      const days = 400;
      const { series, truth } = trendAndSeason(form, days);
      const fitted = new ExponentialSmoothing({ season: form }).fit(series);
      const forecast = fitted.forecast(14);
      forecast.forEach((value, h) => expect(Math.abs(value / truth(days + h) - 1)).toBeLessThan(0.03));
      const { alpha, beta, gamma, phi } = fitted.parameters;
      expect(beta).toBeLessThan(alpha);
      expect(gamma).toBeLessThan(1 - alpha);
      expect(phi).toBeGreaterThanOrEqual(0.8);
      expect(phi).toBeLessThanOrEqual(0.98);
    });
  }

  it('picks the season form with the lower in-sample error when asked to choose', () => {
    const { series } = trendAndSeason('multiplicative', 400);
    const auto = new ExponentialSmoothing({ season: 'auto' }).fit(series).parameters;
    const additive = new ExponentialSmoothing({ season: 'additive' }).fit(series).parameters;
    const multiplicative = new ExponentialSmoothing({ season: 'multiplicative' }).fit(series).parameters;
    expect(auto.inSampleMse).toBe(Math.min(additive.inSampleMse, multiplicative.inSampleMse));
  });

  it('refuses a multiplicative season on data with zeros, and too short a history', () => {
    const withZero = { id: 'sku-1', values: Array.from({ length: 30 }, (_, t) => t % 5), firstIsoWeekday: 1 };
    expect(() => new ExponentialSmoothing({ season: 'multiplicative' }).fit(withZero)).toThrow(/series "sku-1": a multiplicative season needs every day above zero/);
    expect(new ExponentialSmoothing().fit(withZero).parameters.season).toBe('additive');
    expect(() => new ExponentialSmoothing().fit({ id: 'new-sku', values: [1, 2, 3], firstIsoWeekday: 1 })).toThrow(/series "new-sku": ETS needs at least three seasons \(21 days\).*found 3/);
  });
});
