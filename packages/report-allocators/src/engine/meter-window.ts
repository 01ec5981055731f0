import { dec, type Dec } from './decimal.js';
import { maxDay, minDay, type Day } from './days.js';
import type { DatedValue, MeterInput } from './input-schema.js';

/** Why a meter did or did not report in the period (B1). */
export type MeterStatus = 'reported' | 'not-in-period' | 'no-start-reading' | 'no-end-reading' | 'decreased' | 'error';

/** A meter's part in the period (spec step 3). */
export interface MeterWindow {
  /** The window is not empty (`start < stop`): the meter counts in `n`. */
  inPeriod: boolean;
  /** `max(d1, installed)`; null when the meter is not in the period. */
  start: Day | null;
  /** `min(d2 + 1, removed)`; null when the meter is not in the period. */
  stop: Day | null;
  /** The reading of day `start` (the first in the list for that day), if any. */
  startValue: Dec | null;
  /** The reading of day `stop`, if any. */
  endValue: Dec | null;
  /** `endValue − startValue` when the meter reported, else null. */
  delta: Dec | null;
  status: MeterStatus;
  /** The code of the first error dated in `[start, stop)`, when that stopped it. */
  errorCode?: string;
}

/** The value of day D: the first reading of that day in the list (spec: Input). */
export function valueOn(readings: readonly DatedValue[], day: Day): Dec | null {
  const r = readings.find((x) => x.date === day);
  return r ? dec(r.value) : null;
}

/**
 * Step 3: the meter's window `[start, stop)` inside the period `[d1, end)` (`end = d2 + 1`)
 * and whether it reported: readings of day `start` and of day `stop`, the later not smaller,
 * and no error dated on a day D with `start ≤ D < stop`.
 */
export function meterWindow(meter: MeterInput, d1: Day, end: Day): MeterWindow {
  const start = maxDay(d1, meter.installed);
  const stop = minDay(end, meter.removed);
  if (start >= stop) return { inPeriod: false, start: null, stop: null, startValue: null, endValue: null, delta: null, status: 'not-in-period' };
  const startValue = valueOn(meter.readings, start);
  const endValue = valueOn(meter.readings, stop);
  const base = { inPeriod: true, start, stop, startValue, endValue, delta: null };
  const error = (meter.errors ?? []).find((e) => e.date >= start && e.date < stop);
  if (error) return { ...base, status: 'error', errorCode: String(error.code) };
  if (!startValue) return { ...base, status: 'no-start-reading' };
  if (!endValue) return { ...base, status: 'no-end-reading' };
  if (endValue.lt(startValue)) return { ...base, status: 'decreased' };
  return { ...base, delta: endValue.minus(startValue), status: 'reported' };
}
