/**
 * Sorts a SKU's demand pattern into the four Syntetos-Boylan classes (Syntetos, Boylan & Croston,
 * "On the categorization of demand patterns", JORS 2005), so the champion model can be chosen per
 * class: Croston/TSB for intermittent and lumpy demand, smoothing for the rest.
 *
 *   ADI  = days / days with demand (the average inter-demand interval)
 *   CV^2 = (standard deviation / mean)^2 of the non-zero demand sizes
 *   smooth: ADI < 1.32 and CV^2 < 0.49     erratic: ADI < 1.32 and CV^2 >= 0.49
 *   intermittent: ADI >= 1.32 and CV^2 < 0.49     lumpy: ADI >= 1.32 and CV^2 >= 0.49
 * A history with no demand at all is its own class, 'no-demand'.
 */

export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy' | 'no-demand';

export const ADI_CUTOFF = 1.32;
export const CV2_CUTOFF = 0.49;

export interface DemandClassification {
  readonly demandClass: DemandClass;
  /** null when there is no demand. */
  readonly adi: number | null;
  readonly cv2: number | null;
}

export function classifyDemand(values: ArrayLike<number>): DemandClassification {
  if (values.length === 0) throw new RangeError('values: expected at least one day of history to classify, found none');
  const sizes: number[] = [];
  for (let t = 0; t < values.length; t++) if (values[t] !== 0) sizes.push(Math.abs(values[t]!));
  if (sizes.length === 0) return { demandClass: 'no-demand', adi: null, cv2: null };
  const adi = values.length / sizes.length;
  const mean = sizes.reduce((total, size) => total + size, 0) / sizes.length;
  const variance = sizes.reduce((total, size) => total + (size - mean) ** 2, 0) / sizes.length;
  const cv2 = variance / (mean * mean);
  const frequent = adi < ADI_CUTOFF;
  const steady = cv2 < CV2_CUTOFF;
  const demandClass: DemandClass = frequent ? (steady ? 'smooth' : 'erratic') : steady ? 'intermittent' : 'lumpy';
  return { demandClass, adi, cv2 };
}
