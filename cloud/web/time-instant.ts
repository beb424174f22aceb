/**
 * Instants in the query string: epoch milliseconds, or ISO-8601 with an explicit zone. A
 * date-time without a zone is refused rather than guessed: the server's local zone is not the
 * plant's.
 */

/** What a client should send, used in schemas and in error messages. */
export const TIME_INSTANT_EXPECTED = 'epoch milliseconds or ISO-8601 like 2026-11-24T10:00:00Z';

const EPOCH_MS = /^\d{1,15}$/;
// YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS[.fff]] followed by Z or +HH:MM / -HH:MM
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/** Epoch milliseconds for `text`, or undefined when it is not an instant this API accepts. */
export function parseTimeInstant(text: string): number | undefined {
  if (EPOCH_MS.test(text)) return Number(text);
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.parse rolls 2026-02-30 over to March; a calendar date that does not exist is an error.
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** True when `text` is an instant this API accepts; registered as the JSON Schema format `time-instant`. */
export function isTimeInstant(text: string): boolean {
  return parseTimeInstant(text) !== undefined;
}
