import { Decimal } from 'decimal.js';

/** The engine's own Decimal: 60 significant digits, half-even for internal divisions (spec: Arithmetic). */
export const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });
export type Dec = InstanceType<typeof D>;

/** A number or decimal string from the input, exactly: numbers go through their shortest text form. */
export function dec(x: number | string): Dec {
  return new D(typeof x === 'number' ? String(x) : x.trim());
}

export const ZERO = new D(0);
export const STEP = new D('0.0001');

/** `1 Gcal = 4.1868 GJ = 1.163 MWh = 1163 kWh`. */
export const PER_GCAL: Record<HeatUnit, Dec> = {
  Gcal: new D(1),
  GJ: new D('4.1868'),
  MWh: new D('1.163'),
  kWh: new D('1163'),
};

export type HeatUnit = 'Gcal' | 'GJ' | 'MWh' | 'kWh';

export function toGcal(value: Dec, unit: HeatUnit): Dec {
  return value.div(PER_GCAL[unit]);
}

/** Fixed 4 decimals, half-up (the spec's final rounding of Q and of R_i). */
export function fixed4(value: Dec): string {
  return value.toDecimalPlaces(4, D.ROUND_HALF_UP).toFixed(4);
}

/** Digits after the point as the input wrote them (`"80.0"` → 1); decimal.js drops trailing zeros. */
export function scaleOf(x: number | string): number {
  const text = typeof x === 'number' ? String(x) : x.trim();
  const dot = text.indexOf('.');
  return dot < 0 || /e/i.test(text) ? 0 : text.length - dot - 1;
}
