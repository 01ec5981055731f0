import { dec, type Dec } from './decimal.js';
import type { Day } from './days.js';
import type { AllocationInput, PremiseKind } from './input-schema.js';

/** A norm (Gcal per m² per month) and the day it applies from. */
export interface NormInForce {
  value: Dec;
  from: Day;
}

/**
 * Step 8: the norm of `kind` in force on `d1` (the latest with `from ≤ d1`); if none, the
 * earliest with `d1 < from ≤ d2`; else null (`NO_NORM`). Between norms of the same kind and
 * the same `from`, the first in the list.
 */
export function normInForce(norms: AllocationInput['norms'], kind: PremiseKind, d1: Day, d2: Day): NormInForce | null {
  let before: AllocationInput['norms'][number] | undefined;
  let inside: AllocationInput['norms'][number] | undefined;
  for (const n of norms) {
    if (n.kind !== kind) continue;
    if (n.from <= d1) {
      if (!before || n.from > before.from) before = n;
    } else if (n.from <= d2) {
      if (!inside || n.from < inside.from) inside = n;
    }
  }
  const n = before ?? inside;
  return n ? { value: dec(n.value), from: n.from } : null;
}
