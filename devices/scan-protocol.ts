/**
 * The scan protocol (docs/scan-protocol.md): a scanner publishes a scan as JSON on
 * `devices/{deviceId}/scan` and hears the gateway's decision on `devices/{deviceId}/decision`.
 * A shelf sensor publishes readings on `devices/{deviceId}/reading`. These schemas are the one
 * definition; `devices/schemas/*.schema.json` are generated from them (a test keeps them equal).
 */
import { z } from 'zod';

export const DEVICE_TOPIC_PREFIX = 'devices';
export const deviceChannels = ['scan', 'decision', 'reading'] as const;
export type DeviceChannel = (typeof deviceChannels)[number];

export const deviceTopic = (deviceId: string, channel: DeviceChannel): string => `${DEVICE_TOPIC_PREFIX}/${deviceId}/${channel}`;

/** A device id: also an MQTT username and a topic level. */
export const deviceId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$/, 'use 1 to 64 letters, digits and . _ - (starting with a letter or digit)');

export const scanOps = ['receive', 'putaway', 'pick', 'move', 'count'] as const;
export type ScanOp = (typeof scanOps)[number];

/** Overrides an operator may ask for; each is a permission `override.<name>` of the matrix. */
export const scanOverrides = ['force_ship_near_expiry', 'putaway_on_alarm_shelf'] as const;
export type ScanOverride = (typeof scanOverrides)[number];

export const scanSchema = z.strictObject({
  /** Chosen by the device, unique per device; a repeated id gets the first decision again. */
  scanId: z.string().regex(/^[A-Za-z0-9._\-]{1,64}$/, 'use 1 to 64 letters, digits and . _ -'),
  /** The operator's id (master data). */
  operator: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$/, 'expected an operator id such as op-anna'),
  op: z.enum(scanOps),
  /** The barcode as read: GS1 element string, bracketed or raw with FNC1/GS separators. */
  code: z.string().min(1).max(512),
  /** Location code (shelf) the operation is at; required for putaway, pick, move and count. */
  location: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$/, 'expected a location code such as B12').optional(),
  /** Units; when the barcode carries (30)/(37) they must agree. */
  qty: z.number().positive().max(1_000_000).optional(),
  /** An override the operator confirms on the device after a warning (their role must hold it). */
  override: z.enum(scanOverrides).optional(),
  /** When the device took the scan (ms since the epoch); the gateway's time is used when absent. */
  at: z.number().int().nonnegative().optional(),
});
export type Scan = z.infer<typeof scanSchema>;

export const verdicts = ['allow', 'warn', 'block'] as const;
export type Verdict = (typeof verdicts)[number];
export const signals = ['none', 'beep', 'vibrate'] as const;
export type Signal = (typeof signals)[number];

/** Stable reason codes (docs/scan-protocol.md explains each and what the operator does). */
export const reasonCodes = [
  'OK', 'BAD_PAYLOAD', 'BAD_CODE', 'UNKNOWN_ITEM', 'UNKNOWN_LOT', 'UNKNOWN_LOCATION', 'LOCATION_REQUIRED', 'UNKNOWN_OPERATOR',
  'NOT_PERMITTED', 'EXPIRED', 'QUARANTINED', 'NEAR_EXPIRY', 'FEFO', 'SHELF_OUT_OF_RANGE', 'SHELF_NO_READING', 'LOCATION_BLOCKED',
  'QTY_INVALID', 'QTY_MISMATCH', 'QTY_EXCEEDS_STOCK', 'OVERRIDE_APPLIED', 'OVERRIDE_REFUSED', 'RULE', 'EXPIRY_MISMATCH', 'NOT_RECORDED',
] as const;
export type ReasonCode = (typeof reasonCodes)[number];

export const decisionSchema = z.object({
  scanId: z.string(),
  verdict: z.enum(verdicts),
  reasons: z.array(z.object({ code: z.enum(reasonCodes), message: z.string() })),
  /** What the device shows the operator, in both languages. */
  prompt: z.object({ en: z.string(), zh: z.string() }),
  signal: z.enum(signals),
  /** When the gateway decided (ms since the epoch). */
  decidedAt: z.number().int().nonnegative(),
  /** The lot the code named, as the gateway knows it. */
  lot: z.object({ gtin: z.string(), batch: z.string().optional(), expiry: z.string().optional(), daysLeft: z.number().optional(), serial: z.string().optional() }).optional(),
  /** Where to go instead (FEFO: the earlier lot's location; a blocked shelf: another one). */
  suggestion: z.object({ location: z.string(), batch: z.string().optional() }).optional(),
});
export type Decision = z.infer<typeof decisionSchema>;
export type DecisionReason = Decision['reasons'][number];

/** A shelf sensor's reading: values by measurement name, e.g. { temperature: 5.1, humidity: 61 }. */
export const readingSchema = z.strictObject({
  values: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/), z.number().finite()),
  at: z.number().int().nonnegative().optional(),
});
export type Reading = z.infer<typeof readingSchema>;
