/**
 * Sparkplug quality codes (Sparkplug 3.0, "Payloads" > "Quality Codes"): an optional metric
 * property named 'Quality', sent only when the quality is not GOOD. Its type MUST be Int32 (3)
 * [tck-id-payloads-propertyset-quality-value-type] and its value 0 (BAD), 192 (GOOD) or
 * 500 (STALE) [tck-id-payloads-propertyset-quality-value-value].
 *
 * Our 'uncertain' travels as STALE (500): the spec has no other non-good, non-bad code.
 */
import type { Quality } from '../connector.ts';

export const QUALITY_PROPERTY = 'Quality';

/**
 * Our own metric property: why a value is not GOOD, as a String holding a stable code from
 * connectors/errors.ts (LINK_DOWN, TIMEOUT, DEVICE_EXCEPTION, ...). Sparkplug 3.0 PropertySets
 * allow custom keys beside the reserved ones ("Payloads" > "PropertySet"); other hosts ignore it.
 * Sent only beside a Quality property, i.e. never on a GOOD value. See docs/sparkplug-wire.md.
 */
export const ERROR_CODE_PROPERTY = 'errorCode';

export type SparkplugQualityCode = 0 | 192 | 500;

export const sparkplugQuality: Readonly<Record<Quality, SparkplugQualityCode>> = {
  good: 192,
  uncertain: 500,
  bad: 0,
};

/**
 * Our quality for a received code. The three spec codes map exactly; other numbers (senders that
 * use OPC DA style codes) map by OPC DA ranges: 0-63 bad, 64-191 uncertain, 192-255 good, and
 * anything else is 'uncertain'.
 */
export function qualityFromSparkplug(code: number | bigint | boolean | string | null | undefined): Quality {
  if (code === undefined) return 'good'; // absent means GOOD
  if (typeof code === 'bigint') code = Number(code);
  if (typeof code !== 'number' || !Number.isInteger(code)) return 'uncertain';
  if (code === 192) return 'good';
  if (code === 0) return 'bad';
  if (code === 500) return 'uncertain';
  if (code >= 1 && code < 64) return 'bad';
  if (code >= 64 && code < 192) return 'uncertain';
  if (code > 192 && code <= 255) return 'good';
  return 'uncertain';
}
