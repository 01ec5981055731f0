import { D, EX, type Dec, type Exact } from './decimal.js';
import { monthsOf, type Day } from './days.js';

/** `f` as an exact fraction, and its value. */
export interface MonthFactor {
  numerator: Exact;
  denominator: Exact;
  /** numerator / denominator at 60 digits: exactly 1 for a whole month. */
  value: Dec;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Step 8: `f = Σ over the days of the period of 1 / (days in that day's month)`, kept as the
 * exact fraction `Σ_month days_inside / month_length` over the least common month length,
 * so that a whole calendar month is exactly 1 and 06.12–28.12 is exactly 23/31.
 */
export function monthFactor(d1: Day, d2: Day): MonthFactor {
  const months = monthsOf(d1, d2);
  // Month lengths are 28…31: their lcm is at most 377 580, day counts are small integers.
  const den = months.reduce((l, m) => (l / gcd(l, m.length)) * m.length, 1);
  const num = months.reduce((s, m) => s + m.days * (den / m.length), 0);
  const numerator = new EX(num);
  const denominator = new EX(den);
  return { numerator, denominator, value: new D(num).div(den) };
}
