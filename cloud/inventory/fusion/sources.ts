/**
 * Sources and their trust: what a source may be, and how strictly its reports are checked. A
 * report is compared with what the fusion expects (the bucket's current value, or a composite
 * figure's definition evaluated now); the deviation allowed is the source's tolerance scaled by
 * its trust, so the lower the trust the sooner a report waits for a person to confirm it. A
 * low-trust manual source also waits when there is nothing to compare with: a hand-typed figure
 * nobody can check is not used unseen.
 */
import { checkCode } from '../inventory-codes.ts';
import { InventoryError } from '../inventory-errors.ts';
import { CORE_SOURCE, sourceKinds, type Source, type SourceInput } from './fusion-types.ts';

/** Below this trust a manual source is "low-trust". */
export const LOW_TRUST = 0.5;
export const DEFAULT_TOLERANCE_PCT = 10;
export const DEFAULT_TOLERANCE_ABS = 2;

/** Throws INVALID_INPUT naming the field for anything a source cannot be. */
export function checkSourceInput(input: SourceInput): void {
  checkCode(input.id, 'id', 'a source id');
  if (input.id === CORE_SOURCE) throw new InventoryError('INVALID_INPUT', 'id', `id: "${CORE_SOURCE}" is the inventory core itself; choose another id`);
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200) {
    throw new InventoryError('INVALID_INPUT', 'name', 'name: expected a name of 1 to 200 characters');
  }
  if (!(sourceKinds as readonly string[]).includes(input.kind)) {
    throw new InventoryError('INVALID_INPUT', 'kind', `kind: ${JSON.stringify(input.kind)} is not a source kind; expected ${sourceKinds.join(', ')}`);
  }
  if (input.channel !== undefined && input.channel !== null) checkCode(input.channel, 'channel', 'a channel code');
  if (typeof input.trust !== 'number' || !(input.trust >= 0 && input.trust <= 1)) {
    throw new InventoryError('INVALID_INPUT', 'trust', `trust: ${JSON.stringify(input.trust)} is not a trust score; expected a number from 0 (none) to 1 (full)`);
  }
  for (const field of ['tolerancePct', 'toleranceAbs'] as const) {
    const value = input[field];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))) {
      throw new InventoryError('INVALID_INPUT', field, `${field}: ${JSON.stringify(value)} is not a tolerance; expected a number of 0 or more`);
    }
  }
}

export interface TrustCheck {
  allowedDeviation: number | null;
  needsConfirmation: boolean;
  reason: string | null;
}

/** Whether a report of `value` from `source` is used at once or waits for confirmation. */
export function trustCheck(source: Source, value: number, expected: number | null): TrustCheck {
  const lowTrustManual = source.kind === 'manual' && source.trust < LOW_TRUST;
  if (expected === null) {
    return lowTrustManual
      ? { allowedDeviation: null, needsConfirmation: true, reason: `${source.id} is a low-trust manual source (trust ${source.trust} < ${LOW_TRUST}) and there is no value to check it against; confirm it` }
      : { allowedDeviation: null, needsConfirmation: false, reason: null };
  }
  const tolerance = Math.max(source.toleranceAbs, (source.tolerancePct / 100) * Math.abs(expected));
  const allowedDeviation = Math.round(tolerance * source.trust * 1000) / 1000;
  const deviation = Math.abs(value - expected);
  if (deviation <= allowedDeviation) return { allowedDeviation, needsConfirmation: false, reason: null };
  return {
    allowedDeviation,
    needsConfirmation: true,
    reason: `${value} differs from the expected ${expected} by ${Math.round(deviation * 1000) / 1000}, more than the ${allowedDeviation} ${source.id} may deviate (tolerance ${source.tolerancePct}% / ${source.toleranceAbs} units x trust ${source.trust}); confirm or reject it`,
  };
}
