import type { Method } from './classify.js';
import type { AllocationFailure } from './errors.js';
import type { PremiseKind } from './input-schema.js';
import type { MeterStatus } from './meter-window.js';

export type { Method } from './classify.js';
export type { AllocationFailure } from './errors.js';
export type { MeterStatus } from './meter-window.js';

/**
 * The part one meter (allocator or heat meter) plays in the period (B1). Decimals are
 * strings, exactly as computed (no rounding) unless said otherwise.
 */
export interface MeterDetail {
  serial: string;
  /** The window `[start, stop)`: `max(d1, installed)`; null when the meter is not in the period. */
  start: string | null;
  /** `min(d2 + 1, removed)`; null when the meter is not in the period. */
  stop: string | null;
  /** The reading of day `start`, null when there is none. */
  startValue: string | null;
  /** The reading of day `stop`, null when there is none. */
  endValue: string | null;
  /** `endValue − startValue` when the meter reported, else null. */
  delta: string | null;
  /** Why it did or did not report: the reason for the operator. */
  status: MeterStatus;
  /** Taking part in the period (its window is not empty): it counts in `n`. */
  inPeriod: boolean;
  /** Reported (`status === 'reported'`). */
  reported: boolean;
  /** The error code dated inside the window that stopped it from reporting, if any. */
  errorCode?: string;
}

/** One allocator's part in the calculation (B1). */
export interface AllocatorDetail extends MeterDetail {
  /** The radiator coefficient in force on d2, as given. */
  coefficient: string;
  /**
   * Reduced units: `r = delta × coefficient`, or the estimate for a missing allocator of an
   * `allocators` premise (`coefficient × Σr_working / Σcoefficient_working`, 60 digits);
   * null when it neither reported nor was estimated.
   */
  reducedUnits: string | null;
  /** The reduced units are an estimate (step 6). */
  estimated: boolean;
}

/** One apartment heat meter's part in the calculation (B1). */
export interface HeatMeterDetail extends MeterDetail {
  /** Gcal, GJ, MWh or kWh: the unit of its readings. */
  unit: string;
  /** Its delta in Gcal (60 digits), null when it did not report. */
  gcal: string | null;
}

/** One premise of the result, in the input order. */
export interface PremiseResult {
  id: string;
  method: Method;
  /** Q_i rounded (largest remainder) so that the premises sum to `heatGcal` exactly: 4 decimals. */
  gcal: string;
  /** R_i (allocator premises only): reduced units incl. estimates, half-up to 4 decimals. */
  units?: string;
  /** How many of the premise's allocators were estimated (allocator premises only). */
  estimated?: number;
  kind: PremiseKind;
  /** S_i, m². */
  area: string;
  /** n: allocators taking part in the period. */
  allocatorsTotal: number;
  /** k: of them, those that reported. */
  allocatorsReported: number;
  /** The exact Q_i before the final rounding, half-up to 10 decimals. */
  gcalExact: string;
  /** `gcal / area`, half-up to 4 decimals ("0.0000" for a premise without area). */
  gcalPerM2: string;
  /** area-norm: the norm used (Gcal/m² per month) and the day it applies from. */
  norm?: { value: string; from: string };
  /** Every allocator of the premise in the input order, also those not in the period. */
  allocators: AllocatorDetail[];
  /** Every heat meter of the premise in the input order. */
  heatMeters: HeatMeterDetail[];
}

/** The building meter readings Q comes from (B1). */
export interface BuildingMeterDetail {
  /** Gcal, GJ, MWh or kWh. */
  unit: string;
  /** d1 and d2 + 1: the days of the two readings. */
  startDate: string;
  endDate: string;
  startValue: string;
  endValue: string;
}

export interface AllocationSuccess {
  ok: true;
  /** Q rounded half-up to 4 decimals; the premises' `gcal` sum to it exactly. */
  heatGcal: string;
  /** Where Q comes from: `manual` (options.manualHeatGcal) or `building-meter`. */
  heatSource: 'manual' | 'building-meter';
  /** S_cov: area of the `allocators` and `heat-meter` premises, with the input's largest scale. */
  coveredArea: string;
  /** S_tot: area of all premises, with the input's largest scale ("80.0" + … = "460.0"). */
  totalArea: string;
  premises: PremiseResult[];
  /** S_cov / S_tot in percent, half-up to 2 decimals. */
  coveragePercent: string;
  /** The building meter readings used, when Q comes from the meter. */
  buildingMeter?: BuildingMeterDetail;
  /** Q in Gcal before rounding, half-up to 10 decimals. */
  heatGcalExact: string;
  /** Q_alloc = Q − Σ Q_i of the other premises: what the allocator premises share, 4 decimals. */
  allocatedGcal: string;
  /** ΣR over the allocator premises, half-up to 4 decimals. */
  totalUnits: string;
  /** Gcal per reduced unit (Q_alloc / ΣR), half-up to 10 decimals; null when ΣR = 0. */
  gcalPerUnit: string | null;
  /** f: the period's length in months (Σ over its days of 1 / days in the month), 10 decimals. */
  monthFactor: string;
  /** The norm in force for each kind that has area-norm premises. */
  normsUsed: Partial<Record<PremiseKind, { value: string; from: string }>>;
  /** Q / S_tot, Gcal per m² (what area-average premises pay per m²), 10 decimals. */
  averageGcalPerM2: string;
  /** d1, d2 and end = d2 + 1 (the day of the closing readings). */
  period: { from: string; to: string; end: string };
  /** The options used, `manualHeatGcal` as a decimal string or null. */
  options: { byNorm: boolean; majority: boolean; manualHeatGcal: string | null };
}

export type AllocationResult = AllocationSuccess | AllocationFailure;
