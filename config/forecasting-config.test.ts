import { describe, expect, it } from 'vitest';
import { cloudConfigSchema } from './cloud-schema.ts';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './load-config.ts';

const broker = { mode: 'embedded', users: [{ username: 'gw-1', password: 'gw-1-secret', group: 'plant', edge: 'gw-1' }] };

describe('the forecasting part of the cloud config', () => {
  it('keeps forecast runs 120 days by default and takes a longer retention', () => {
    expect(parseConfig(cloudConfigSchema, { broker, forecasting: {} }, 'cloud.yaml').forecasting?.keepRunsDays).toBe(120);
    expect(parseConfig(cloudConfigSchema, { broker, forecasting: { keepRunsDays: 400 } }, 'cloud.yaml').forecasting?.keepRunsDays).toBe(400);
  });

  it('refuses a retention shorter than the MAPE monitor reads back, saying why and the fix', () => {
    let thrown: unknown;
    try {
      parseConfig(cloudConfigSchema, { broker, forecasting: { keepRunsDays: 60 } }, 'cloud.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([{
      path: 'forecasting.keepRunsDays',
      message: 'found 60; expected at least 103 days: the MAPE monitor reads back 12 weeks of forecasts, each from a run up to 13 days older; raise it to 103 or more',
    }]);
  });
});
