/**
 * Replenishment follows the forecasts: whenever a forecast job (the daily run, or one started from
 * the UI) has finished since the last look, the suggestions are computed again from the new
 * forecasts. Polled on the injected clock, so a job finishing while nobody watches is still seen;
 * a failed run is logged and tried again after the next forecast. Never throws.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { ForecastingApi } from './open-forecasting.ts';
import type { ReplenishmentApi } from './replenishment.ts';

export const CHECK_EVERY_MS = 5_000;

export interface ReplenishAfterForecastDeps {
  forecasting: Pick<ForecastingApi, 'status'>;
  replenishment: Pick<ReplenishmentApi, 'run'>;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  everyMs?: number;
}

export class ReplenishAfterForecast {
  readonly #d: ReplenishAfterForecastDeps;
  #handledJob = 0;
  #timer: unknown;
  #stopped = true;

  constructor(deps: ReplenishAfterForecastDeps) {
    this.#d = deps;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.check();
      this.#timer = this.#d.clock.setTimeout(tick, this.#d.everyMs ?? CHECK_EVERY_MS);
    };
    tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#d.clock.clearTimeout(this.#timer);
  }

  /** Runs replenishment when a forecast job finished since the last check; returns whether it ran. */
  check(): boolean {
    try {
      const done = this.#d.forecasting.status().jobs.filter((job) => job.kind === 'forecast' && job.state === 'done');
      const newest = Math.max(0, ...done.map((job) => job.id));
      if (newest <= this.#handledJob) return false;
      const run = this.#d.replenishment.run();
      this.#handledJob = newest;
      this.#d.logger.info({ forecastJob: newest, suggestions: run.suggestions.length, toOrder: run.suggestions.filter((s) => s.suggestedQty > 0).length, skipped: run.skipped.length }, 'replenishment suggestions computed from the new forecasts');
      return true;
    } catch (err) {
      this.#d.logger.warn({ err }, 'could not compute replenishment suggestions after a forecast');
      return false;
    }
  }
}
