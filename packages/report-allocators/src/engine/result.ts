import type { AllocationErrorCode } from './errors.js';

export type Method = 'allocators' | 'heat-meter' | 'area-norm' | 'area-average';

/** Why an allocator or heat meter did or did not report (B1). */
export type MeterStatus = 'reported' | 'not-in-period' | 'no-start-reading' | 'no-end-reading' | 'decreased' | 'error';

/** One allocator's part in the calculation (B1). Decimals as strings. */
export interface AllocatorDetail {
  serial: string;
  coefficient: string;
  /** The meter's window in the period: [start, stop). */
  start: string | null;
  stop: string | null;
  startValue: string | null;
  endValue: string | null;
  delta: string | null;
  /** Reduced units r = delta × coefficient, or the estimate for a missing allocator. */
  reducedUnits: string | null;
  status: MeterStatus;
  /** Taking part in the period (its window is not empty). */
  inPeriod: boolean;
  reported: boolean;
  estimated: boolean;
  /** The error code that stopped it from reporting, if any. */
  errorCode?: string;
}

export interface HeatMeterDetail {
  serial: string;
  unit: string;
  start: string | null;
  stop: string | null;
  startValue: string | null;
  endValue: string | null;
  delta: string | null;
  gcal: string | null;
  status: MeterStatus;
  inPeriod: boolean;
  reported: boolean;
  errorCode?: string;
}

export interface PremiseResult {
  id: string;
  method: Method;
  /** Q_i rounded so that the premises sum to `heatGcal` exactly: 4 decimals. */
  gcal: string;
  /** R_i (allocator premises), half-up to 4 decimals. */
  units?: string;
  /** How many of the premise's allocators were estimated (allocator premises). */
  estimated?: number;
  kind: 'residential' | 'non-residential';
  area: string;
  /** Allocators taking part, and how many of them reported. */
  allocatorsTotal: number;
  allocatorsReported: number;
  /** The exact Q_i before rounding, 10 decimals. */
  gcalExact: string;
  /** Q_i per m², 4 decimals. */
  gcalPerM2: string;
  /** area-norm: the norm used. */
  norm?: { value: string; from: string };
  allocators: AllocatorDetail[];
  heatMeters: HeatMeterDetail[];
}

export interface AllocationSuccess {
  ok: true;
  /** Q rounded half-up to 4 decimals; the premises' `gcal` sum to it exactly. */
  heatGcal: string;
  heatSource: 'manual' | 'building-meter';
  /** S_cov: area of the allocator and heat-meter premises. */
  coveredArea: string;
  /** S_tot: area of all premises. */
  totalArea: string;
  premises: PremiseResult[];
  /** S_cov / S_tot in percent, 2 decimals. */
  coveragePercent: string;
  /** The building meter readings used (when Q comes from the meter). */
  buildingMeter?: { unit: string; startDate: string; endDate: string; startValue: string; endValue: string };
  /** Q_alloc: what is left for the allocator premises, 4 decimals. */
  allocatedGcal: string;
  /** ΣR over the allocator premises, 4 decimals. */
  totalUnits: string;
  /** Gcal per reduced unit (Q_alloc / ΣR), 10 decimals; null when ΣR = 0. */
  gcalPerUnit: string | null;
  /** f: the period's length in months (Σ 1/days-in-month), 10 decimals. */
  monthFactor: string;
  /** The norms in force (area-norm), by premise kind. */
  normsUsed: Partial<Record<'residential' | 'non-residential', { value: string; from: string }>>;
  /** Q / S_tot (area-average), Gcal per m², 10 decimals. */
  averageGcalPerM2: string;
  period: { from: string; to: string; end: string };
  options: { byNorm: boolean; majority: boolean; manualHeatGcal: string | null };
}

export interface AllocationFailure {
  ok: false;
  error: { code: AllocationErrorCode; message: string; messageEn: string };
}

export type AllocationResult = AllocationSuccess | AllocationFailure;
