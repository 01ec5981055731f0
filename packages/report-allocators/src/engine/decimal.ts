import { Decimal } from 'decimal.js';
import { ENERGY_UNITS_PER_GCAL as PER } from '@openamr/core/plugin-api';

/** The engine's own Decimal: 60 significant digits, half-even for internal divisions (spec: Arithmetic). */
export const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });
export type Dec = InstanceType<typeof D>;

/**
 * Exact ring arithmetic: `plus`, `minus` and `times` of the engine's decimals need far fewer
 * than 1,000 significant digits (a few input values multiplied), so they never round here;
 * `assertExact` makes sure. Divide in `D` (or use `divToInt`), not with this one.
 */
export const EX = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_HALF_EVEN });
export type Exact = InstanceType<typeof EX>;

/** Throws when a value has reached EX's precision (so it may have been rounded): a bug, never a silent digit. */
export function assertExact(...xs: Exact[]): void {
  for (const x of xs) if (x.sd() >= EX.precision) throw new RangeError('allocation: an exact intermediate value exceeds 1000 digits');
}

/** A number or decimal string from the input, exactly: numbers go through their shortest text form. */
export function dec(x: number | string): Dec {
  return new D(typeof x === 'number' ? String(x) : x.trim());
}

/** The same value as an exact decimal (no rounding, whatever its digits). */
export function exact(x: number | string | Dec | Exact): Exact {
  return new EX(typeof x === 'number' ? String(x) : typeof x === 'string' ? x.trim() : x);
}

/** `a / b` rounded once to the engine's 60 digits (half-even). */
export function quotient(a: Exact | Dec, b: Exact | Dec): Dec {
  return new D(a).div(new D(b));
}

export const ZERO = new D(0);
export const STEP = new D('0.0001');

export type HeatUnit = 'Gcal' | 'GJ' | 'MWh' | 'kWh';

/** `1 Gcal = 4.1868 GJ = 1.163 MWh = 1163 kWh`: the core's factors (one table for every report). */
export const PER_GCAL: Record<HeatUnit, Dec> = {
  Gcal: new D(PER.Gcal),
  GJ: new D(PER.GJ),
  MWh: new D(PER.MWh),
  kWh: new D(PER.kWh),
};

/**
 * A common denominator for the units: `x [unit] = x × PER_W[unit] / W Gcal`, with W the
 * product of the three factors and `PER_W[unit] = W / PER_GCAL[unit]` an exact decimal. It
 * lets sums of heat in different units stay exact until one final division.
 */
export const W: Exact = new EX(PER.GJ).times(PER.MWh).times(PER.kWh);
export const PER_W: Record<HeatUnit, Exact> = {
  Gcal: W,
  GJ: new EX(PER.MWh).times(PER.kWh),
  MWh: new EX(PER.GJ).times(PER.kWh),
  kWh: new EX(PER.GJ).times(PER.MWh),
};

/**
 * A heat quantity in Gcal: one division by the core's factor at 60 digits, half-even — the
 * core's `toGcal` exactly (same factors, same decimals), without its string round trip.
 */
export function toGcal(value: Dec | Exact, unit: HeatUnit): Dec {
  return new D(value).div(PER_GCAL[unit]);
}

/** Fixed 4 decimals, half-up (the spec's final rounding of Q and of R_i). */
export function fixed4(value: Dec | Exact): string {
  return new D(value).toDecimalPlaces(4, D.ROUND_HALF_UP).toFixed(4);
}

/** Fixed `places` decimals, half-up, for the explanation fields. */
export function fixedHalfUp(value: Dec | Exact, places: number): string {
  return new D(value).toDecimalPlaces(places, D.ROUND_HALF_UP).toFixed(places);
}

/** Digits after the point as the input wrote them (`"80.0"` → 1); decimal.js drops trailing zeros. */
export function scaleOf(x: number | string): number {
  const text = typeof x === 'number' ? String(x) : x.trim();
  const dot = text.indexOf('.');
  return dot < 0 || /e/i.test(text) ? 0 : text.length - dot - 1;
}
