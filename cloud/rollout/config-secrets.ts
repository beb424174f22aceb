/**
 * Secrets in connector configurations (an OPC UA user's password) never leave the cloud in an
 * API answer: they read as REDACTED, and a configuration sent back with REDACTED keeps the stored
 * secret of the same connector. Which keys are secret is a list, not a guess per protocol.
 */
export const REDACTED = '********';
const secretKeys = new Set(['password']);

export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactSecrets) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) =>
    [key, secretKeys.has(key) && typeof v === 'string' ? REDACTED : redactSecrets(v)])) as T;
}

/**
 * Puts the stored secrets back where `next` says REDACTED, matching connectors by name. A REDACTED
 * with nothing stored to stand for is returned in `missing` (the caller refuses the configuration).
 */
export function restoreSecrets(next: unknown[], stored: unknown[]): { connectors: unknown[]; missing: string[] } {
  const storedByName = new Map(stored.filter(isRecord).map((c) => [c.name, c]));
  const missing: string[] = [];
  const walk = (value: unknown, previous: unknown, path: string): unknown => {
    if (value === REDACTED) {
      if (typeof previous === 'string') return previous;
      missing.push(path);
      return value;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, Array.isArray(previous) ? previous[i] : undefined, `${path}[${i}]`));
    if (!isRecord(value)) return value;
    const prev = isRecord(previous) ? previous : {};
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, prev[k], `${path}.${k}`)]));
  };
  const connectors = next.map((c, i) => walk(c, isRecord(c) ? storedByName.get(c.name) : undefined, `connectors[${i}]`));
  return { connectors, missing };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
