import { D, EX, assertExact, type Dec, type Exact } from './decimal.js';

const SCALE = new EX(10_000);

/**
 * The spec's final rounding, exactly: the values are `numerators[i] / denominator` (exact
 * decimals over one common positive denominator, so no remainder is ever approximated).
 * Each value is rounded down to 4 decimals; `k = (target − Σ rounded) / 0.0001` values with
 * the largest remainders get 0.0001 more, between equal remainders the earlier one. The
 * results sum exactly to `target` when the values sum to a number that rounds to it.
 */
export function roundLargestRemainder(numerators: ReadonlyArray<Exact | Dec>, denominator: Exact | Dec, target: Exact | Dec): Dec[] {
  const den = new EX(denominator);
  if (den.lte(0)) throw new RangeError('roundLargestRemainder: the denominator must be positive');
  // In units of 0.0001: floor(n × 10⁴ / den) and the remainder n × 10⁴ − floor × den (≥ 0).
  const rows = numerators.map((n, i) => {
    const scaled = new EX(n).times(SCALE);
    assertExact(scaled, den);
    let floor = scaled.divToInt(den);
    let rest = scaled.minus(floor.times(den));
    if (rest.isNeg()) {
      floor = floor.minus(1);
      rest = rest.plus(den);
    }
    return { i, floor, rest };
  });
  const sum = rows.reduce((s, r) => s.plus(r.floor), new EX(0));
  const k = Math.max(0, new EX(target).times(SCALE).minus(sum).toNumber());
  const byRemainder = [...rows].sort((a, b) => b.rest.comparedTo(a.rest) || a.i - b.i);
  for (const r of byRemainder.slice(0, k)) r.floor = r.floor.plus(1);
  return rows.map((r) => new D(r.floor).div(10_000));
}

/** The same for values that are exact decimals already (denominator 1). */
export function roundDecimalsLargestRemainder(values: ReadonlyArray<Exact | Dec>, target: Exact | Dec): Dec[] {
  return roundLargestRemainder(values, new EX(1), target);
}
