/**
 * Pieces every connector schema shares: names that become MQTT topic levels or Sparkplug metric
 * names, reconnect policy, the common tag fields, and the injected address check.
 */
import { z } from 'zod';

/** A Sparkplug topic level (group, edge node, device): no "/", "+" or "#". */
export const topicLevel = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-]*$/, {
  message: 'use letters, digits and . _ - (a Sparkplug topic level: no "/", "+" or "#")',
});

/** A tag (Sparkplug metric) name: "/" makes folders; "[i]" names array elements. */
export const tagName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-/[\]]*$/, {
  message: 'use letters, digits and . _ - / [ ] (no spaces, no "+" or "#")',
});

export const tcpPort = z.number().int().min(1).max(65535);

export const reconnectSchema = z.strictObject({
  initialDelayMs: z.number().int().min(10).default(500),
  maxDelayMs: z.number().int().min(100).default(30_000),
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: z.number().min(0).max(1).default(0.2),
});
export type ReconnectConfig = z.infer<typeof reconnectSchema>;

/**
 * Checks one tag address; returns what is wrong, or undefined. The connectors own address
 * syntax, and config/ imports nothing of the project, so the caller injects them: then schema
 * and address problems are reported together in one pass.
 */
export type AddressCheck = (address: string) => string | undefined;

export const addressSchema = (check: AddressCheck | undefined) => z.string().min(1).superRefine((address, ctx) => {
  const problem = check?.(address);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { verbatim: true } });
});

/** The fields of a polled tag: name, address, scaling to engineering units, interval, deadband. */
export const polledTagFields = (check: AddressCheck | undefined) => ({
  name: tagName,
  address: addressSchema(check),
  /** engineering value = raw * scale + offset */
  scale: z.number().refine((v) => v !== 0, 'scale must not be 0 (writes divide by it)').default(1),
  offset: z.number().default(0),
  unit: z.string().max(32).optional(),
  /** Poll interval of this tag; defaults to the connector's pollIntervalMs. */
  intervalMs: z.number().int().min(10).optional(),
  /** Report a new value only when it moved by more than this (engineering units). 0 reports every change. */
  deadband: z.number().min(0).default(0),
  description: z.string().optional(),
});
