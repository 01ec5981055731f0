/** How a premise's heat is found. */
export type Method = 'allocators' | 'heat-meter' | 'area-norm' | 'area-average';

/** What classification looks at: meters taking part in the period and how many reported. */
export interface PremiseCounts {
  /** Allocators taking part (`n`). */
  allocators: number;
  /** Of them, reported (`k`). */
  allocatorsReported: number;
  /** Heat meters taking part. */
  heatMeters: number;
  /** Of them, reported. */
  heatMetersReported: number;
}

/**
 * Steps 4 and 5: `heat-meter` for a premise with no allocator taking part and at least one
 * heat meter taking part, all of which reported; `allocators` when `k = n > 0`, or with the
 * majority option when `2k > n` (strictly more than half); else an area method.
 */
export function classify(c: PremiseCounts, options: { byNorm: boolean; majority: boolean }): Method {
  if (c.allocators === 0 && c.heatMeters > 0 && c.heatMetersReported === c.heatMeters) return 'heat-meter';
  const n = c.allocators;
  const k = c.allocatorsReported;
  if ((k === n && n > 0) || (options.majority && 2 * k > n)) return 'allocators';
  return options.byNorm ? 'area-norm' : 'area-average';
}
