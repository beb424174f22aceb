import { describe, expect, it } from 'vitest';
import { ALL_MODEL_NAMES, createModels, parseModelNames } from './forecast-models.ts';

describe('forecast models by name', () => {
  it('expands all to the models that need no calendar, and takes the holiday-adjusted ones by name beside it', () => {
    expect(parseModelNames('all')).toEqual(['snaive', 'ets', 'croston', 'tsb', 'lstm']);
    expect(parseModelNames('all, ETS-holidays,snaive')).toEqual([...ALL_MODEL_NAMES, 'ets-holidays']);
    expect(() => parseModelNames('ets,prophet')).toThrow(/model: expected one or more of snaive, ets, croston, tsb, lstm, snaive-holidays, ets-holidays, lstm-holidays .* found "ets,prophet"/);
  });

  it('builds a holiday-adjusted model that places holidays by the series dates it is given', async () => {
    const [model] = createModels(['ets-holidays'], { holidays: { firstDates: { shop: '2024-01-01' }, windowDays: 1 } });
    expect(model!.name).toBe('ets-holidays');
    const values = Array.from({ length: 400 }, (_, t) => 100 + (t % 7));
    const fitted = await model!.fitAll([{ id: 'shop', values, firstIsoWeekday: 1 }], { horizonDays: 7 });
    const [forecast] = await fitted.forecast(7);
    expect(forecast).toHaveLength(7);
    await expect(model!.fitAll([{ id: 'other', values, firstIsoWeekday: 1 }], { horizonDays: 7 })).rejects.toThrow(/series "other": expected the date of its first day/);
  });
});
