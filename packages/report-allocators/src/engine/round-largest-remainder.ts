import { D, STEP, type Dec } from './decimal.js';

/**
 * The spec's final rounding: each value rounded down to 4 decimals, then 0.0001 added to
 * the `k` values with the largest remainders (ties: the earlier one) so that the rounded
 * values sum exactly to `target` (the total rounded half-up to 4 decimals).
 */
export function roundLargestRemainder(values: Dec[], target: Dec): Dec[] {
  const floors = values.map((v) => v.toDecimalPlaces(4, D.ROUND_DOWN));
  const sum = floors.reduce((s, f) => s.plus(f), new D(0));
  // The exact values sum to the total up to the 60-digit precision, so k is an integer up to that noise.
  const k = Math.max(0, target.minus(sum).div(STEP).toDecimalPlaces(0, D.ROUND_HALF_UP).toNumber());
  const order = values
    .map((v, i) => ({ i, rest: v.minus(floors[i]!) }))
    .sort((a, b) => b.rest.comparedTo(a.rest) || a.i - b.i)
    .slice(0, k);
  for (const { i } of order) floors[i] = floors[i]!.plus(STEP);
  return floors;
}
