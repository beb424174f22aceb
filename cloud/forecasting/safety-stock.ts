/**
 * Safety stock for one SKU x location (issue 8 item 8): the buffer that covers forecast error
 * over the coverage period (lead time + review period) and the supplier's lead-time variability,
 *
 *   safety = z x sqrt(coverage x sdDemand^2 + meanDemand^2 x sdLeadTime^2) x reliability
 *
 * with z the standard normal quantile of the service level (95% -> 1.645), sdDemand the
 * forecast's error per day, meanDemand the forecast's mean daily demand over the coverage.
 * Reliability is the supplier's named factor: an order that is not on time and in full leaves
 * the plant exposed as if the buffer were missing, so the buffer is raised by the share of such
 * orders, reliability = 1 + (1 - onTimeInFullRate): 1 for a perfect supplier, 1.1 at 90% OTIF,
 * at most 2. Pure arithmetic; the explanation in words comes with it.
 */
import { formatQty, roundQty } from '../inventory/quantities.ts';

// Acklam's rational approximation of the normal quantile (relative error below 1.2e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

const poly = (coefficients: number[], x: number) => coefficients.reduce((sum, c) => sum * x + c, 0);

/** The z with P(Z <= z) = p for a standard normal Z; p strictly between 0 and 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p ${p} is not strictly between 0 and 1`);
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - P_LOW) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}

export interface SafetyStockInput {
  serviceLevel: number;
  coverageDays: number;
  errorSdPerDay: number;
  meanDailyDemand: number;
  leadTimeSdDays: number;
  onTimeInFullRate: number;
}

export interface SafetyStock {
  z: number;
  /** Before the reliability factor. */
  base: number;
  reliability: number;
  /** base x reliability, 3 decimals. */
  safetyStock: number;
  /** `safety 31.2 = z 1.645 (95% service) x sqrt(12 days x (forecast error 2.1/day)² + (mean demand 7.9/day)² x (lead-time sd 1.5 days)²) x reliability 1.1 (on time in full 90%)`. */
  text: string;
}

const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
const pct = (share: number) => `${round(share * 100, 2)}%`;

export function safetyStockOf(input: SafetyStockInput): SafetyStock {
  const { serviceLevel, coverageDays, errorSdPerDay, meanDailyDemand, leadTimeSdDays, onTimeInFullRate } = input;
  const z = normalQuantile(serviceLevel);
  const base = z * Math.sqrt(coverageDays * errorSdPerDay ** 2 + meanDailyDemand ** 2 * leadTimeSdDays ** 2);
  const reliability = 1 + (1 - onTimeInFullRate);
  const safetyStock = Math.max(0, roundQty(base * reliability));
  const text = `safety ${formatQty(safetyStock)} = z ${round(z, 3)} (${pct(serviceLevel)} service) x sqrt(${formatQty(coverageDays)} days x (forecast error ${round(errorSdPerDay, 3)}/day)²`
    + ` + (mean demand ${round(meanDailyDemand, 3)}/day)² x (lead-time sd ${formatQty(leadTimeSdDays)} days)²) x reliability ${round(reliability, 3)} (on time in full ${pct(onTimeInFullRate)})`;
  return { z, base, reliability, safetyStock, text };
}
