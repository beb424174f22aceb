/**
 * The Sparkplug 3.0 host application STATE payload: retained JSON `{"online": boolean,
 * "timestamp": ms}` on spBv1.0/STATE/<host_id>. The cloud's ingest writes it, gateways read it.
 */

export interface HostStatePayload {
  online: boolean;
  /** ms since the Unix epoch (UTC). */
  timestamp: number;
}

/** JSON UTF-8 with exactly `online` and `timestamp` (the host's birth and death payloads). */
export function encodeHostState(state: HostStatePayload): Buffer {
  return Buffer.from(JSON.stringify({ online: state.online, timestamp: state.timestamp }), 'utf8');
}

/** Reads a STATE payload; anything but the documented JSON is an error saying what was found. */
export function decodeHostState(payload: Uint8Array): HostStatePayload | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { error: `STATE payload is not JSON (${payload.length} bytes); expected {"online": true|false, "timestamp": <ms>}` };
  }
  if (typeof parsed !== 'object' || parsed === null) return { error: 'STATE payload is not a JSON object; expected {"online": true|false, "timestamp": <ms>}' };
  const { online, timestamp } = parsed as Record<string, unknown>;
  if (typeof online !== 'boolean') return { error: `STATE payload "online" is ${JSON.stringify(online) ?? 'missing'}; expected true or false` };
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    return { error: `STATE payload "timestamp" is ${JSON.stringify(timestamp) ?? 'missing'}; expected ms since the epoch` };
  }
  return { online, timestamp };
}
