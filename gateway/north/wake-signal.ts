/**
 * Lets a loop sleep until there is work: wait() resolves on notify() or after idleMs, whichever
 * comes first. A notify() while nobody waits is not stored; the loop looks for work before waiting.
 */
import type { Clock } from '../../connectors/clock.ts';

export class WakeSignal {
  readonly #clock: Clock;
  #wake: (() => void) | undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  wait(idleMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.#clock.clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = this.#clock.setTimeout(done, idleMs);
      this.#wake = done;
    });
  }

  notify(): void {
    this.#wake?.();
  }
}
