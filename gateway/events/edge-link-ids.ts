/**
 * Ids for what a gateway publishes on its own (events, configuration reports): unique per gateway
 * and sortable by when they were made, e.g. `ev-mfx3k2a1c-0000-q7z4`.
 *
 *   <prefix>-<milliseconds, base 36, 9 digits>-<counter within that millisecond, base 36>-<4 random base-36 digits>
 *
 * Why not crypto.randomUUID(): v4 UUIDs do not sort, and a time-ordered id lets the cloud and a
 * person reading the log put a gateway's events in order without another field (Node 20 has no
 * UUIDv7). Why the random tail: the counter starts again at each process start, so a restart
 * within the same millisecond, or after the clock was set back, could otherwise repeat an id, and
 * the cloud would drop the second event as a duplicate. The edge id is not in it: the topic
 * names the gateway already, and edge ids have no length limit.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../../connectors/clock.ts';

/** 36^9 ms is about the year 5138: nine digits keep the ids sorting as strings until then. */
const TIME_DIGITS = 9;
const COUNTER_DIGITS = 4;
const RANDOM_DIGITS = 4;

export type IdSource = (prefix: string) => string;

/** A source of sortable ids; within one source they strictly increase even if the clock steps back. */
export function sortableIds(clock: Pick<Clock, 'now'>, random: (limit: number) => number = randomInt): IdSource {
  let lastMs = 0;
  let counter = 0;
  return (prefix) => {
    const now = clock.now();
    if (now > lastMs) {
      lastMs = now;
      counter = 0;
    } else if (++counter === 36 ** COUNTER_DIGITS) {
      // The counter's digits are used up: borrow the next millisecond rather than break the order.
      lastMs++;
      counter = 0;
    }
    const time = lastMs.toString(36).padStart(TIME_DIGITS, '0');
    const count = counter.toString(36).padStart(COUNTER_DIGITS, '0');
    const tail = random(36 ** RANDOM_DIGITS).toString(36).padStart(RANDOM_DIGITS, '0');
    return `${prefix}-${time}-${count}-${tail}`;
  };
}
