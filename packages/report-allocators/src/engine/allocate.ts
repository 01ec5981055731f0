import { classify, type Method } from './classify.js';
import { D, EX, PER_GCAL, assertExact, PER_W, W, ZERO, dec, exact, fixed4, fixedHalfUp, quotient, scaleOf, toGcal, type Dec, type Exact, type HeatUnit } from './decimal.js';
import { addDays } from './days.js';
import { failure } from './errors.js';
import { validateAllocationInput, type AllocationInput, type PremiseInput, type PremiseKind } from './input-schema.js';
import { meterWindow, valueOn, type MeterWindow } from './meter-window.js';
import { monthFactor } from './month-factor.js';
import { normInForce, type NormInForce } from './norm-in-force.js';
import { roundLargestRemainder } from './round-largest-remainder.js';
import type { AllocationResult, AllocatorDetail, BuildingMeterDetail, HeatMeterDetail, PremiseResult } from './result.js';

const str = (x: Dec | null) => (x === null ? null : x.toString());
const sign = (x: Exact) => (x.isNeg() ? -1 : 1);

/** One premise through steps 3–6. */
interface Working {
  premise: PremiseInput;
  area: Exact;
  method: Method;
  allocators: AllocatorDetail[];
  heatMeters: HeatMeterDetail[];
  n: number;
  k: number;
  /** R_i (allocator premises), else 0. */
  units: Dec;
  estimated: number;
  /** Heat-meter premises: Σ delta × PER_W[unit], i.e. their heat in Gcal times W (exact). */
  heatTimesW: Exact;
  norm?: NormInForce;
}

/** Steps 3–6 for one premise: meter windows, method, reduced units and estimates. */
function workPremise(premise: PremiseInput, input: AllocationInput, d1: string, end: string): Working {
  const taking = premise.allocators.map((a) => {
    const w = meterWindow(a, d1, end);
    const coefficient = dec(a.coefficient);
    return { a, w, coefficient, r: w.delta ? w.delta.times(coefficient) : null };
  });
  // Decimals stay objects while computing; the detail gets their strings once.
  const allocators: AllocatorDetail[] = taking.map(({ a, w, coefficient, r }) => ({
    serial: a.serial,
    coefficient: coefficient.toString(),
    ...windowDetail(w),
    reducedUnits: str(r),
    estimated: false,
  }));
  const meters = (premise.heatMeters ?? []).map((h) => ({ h, w: meterWindow(h, d1, end) }));
  const heatMeters: HeatMeterDetail[] = meters.map(({ h, w }) => ({
    serial: h.serial,
    unit: h.unit,
    ...windowDetail(w),
    gcal: w.delta ? toGcal(w.delta, h.unit).toString() : null,
  }));

  const inPeriod = taking.map((x, i) => ({ ...x, detail: allocators[i]! })).filter((x) => x.w.inPeriod);
  const working = inPeriod.filter((x) => x.r !== null);
  const metersInPeriod = meters.filter((x) => x.w.inPeriod);
  const method = classify(
    {
      allocators: inPeriod.length,
      allocatorsReported: working.length,
      heatMeters: metersInPeriod.length,
      heatMetersReported: metersInPeriod.filter((x) => x.w.delta !== null).length,
    },
    input.options,
  );

  let heatTimesW = new EX(0);
  if (method === 'heat-meter') {
    for (const { h, w } of metersInPeriod) heatTimesW = heatTimesW.plus(exact(w.delta!).times(PER_W[h.unit]));
  }

  let units = ZERO;
  let estimated = 0;
  if (method === 'allocators') {
    // Step 6: a missing allocator gets coefficient × Σr_working / Σcoefficient_working, so
    // R_i = Σr_working × Σcoefficient_all / Σcoefficient_working (one division, not one per estimate).
    const sumR = working.reduce((s, x) => s.plus(exact(x.r!)), new EX(0));
    const sumK = working.reduce((s, x) => s.plus(exact(x.coefficient)), new EX(0));
    const missing = inPeriod.filter((x) => x.r === null);
    const sumAll = missing.reduce((s, x) => s.plus(exact(x.coefficient)), sumK);
    for (const x of missing) {
      x.detail.reducedUnits = (sumK.isZero() ? ZERO : quotient(exact(x.coefficient).times(sumR), sumK)).toString();
      x.detail.estimated = true;
      estimated++;
    }
    units = missing.length === 0 || sumK.isZero() ? new D(sumR) : quotient(sumR.times(sumAll), sumK);
  }
  return { premise, area: exact(premise.area), method, allocators, heatMeters, n: inPeriod.length, k: working.length, units, estimated, heatTimesW };
}

function windowDetail(w: MeterWindow) {
  return {
    start: w.start,
    stop: w.stop,
    startValue: str(w.startValue),
    endValue: str(w.endValue),
    delta: str(w.delta),
    status: w.status,
    inPeriod: w.inPeriod,
    reported: w.status === 'reported',
    ...(w.errorCode !== undefined ? { errorCode: w.errorCode } : {}),
  };
}

/** `num / den` (den > 0) rounded half-up to 4 decimals, exactly. */
function roundHalfUp4(num: Exact, den: Exact): Dec {
  const scaled = num.times(10_000);
  let floor = scaled.divToInt(den);
  if (scaled.minus(floor.times(den)).isNeg()) floor = floor.minus(1);
  const rest = scaled.minus(floor.times(den));
  return new D(rest.times(2).gte(den) ? floor.plus(1) : floor).div(10_000);
}

/**
 * Heat cost allocation, exactly as spec/ALLOCATION.md says. Throws AllocationInputError for
 * an input that fails the schema (shape and types); every calculation error is a result with
 * `ok: false`.
 */
export function allocate(raw: unknown): AllocationResult {
  return allocateValidated(validateAllocationInput(raw));
}

/**
 * The same on an input already known to match the schema (built by the report from typed
 * rows): skips the joi pass, which costs more than the calculation on a large building.
 *
 * Exactness: every heat value is kept as an exact numerator over one common denominator
 * (`W × S_tot × month-factor denominator`, W the product of the unit factors), so the sign
 * of Q_alloc, the floors and the remainders of the final rounding are decided exactly; the
 * only rounded operations are the estimate of missing allocators (one division per premise,
 * 60 digits, half-even) and the explanation fields.
 */
export function allocateValidated(input: AllocationInput): AllocationResult {
  // Step 1. Days: the period is [d1, end), end = d2 + 1.
  const d1 = input.period.from;
  const d2 = input.period.to;
  if (d2 < d1) return failure('INVALID_PERIOD');
  const end = addDays(d2, 1);

  // Step 2. Building heat Q = q0 [unit] (exact).
  let q0: Exact;
  let unit: HeatUnit;
  let heatSource: 'manual' | 'building-meter';
  let buildingMeter: BuildingMeterDetail | undefined;
  const manual = input.options.manualHeatGcal;
  if (manual !== null && manual !== undefined) {
    q0 = exact(manual);
    unit = 'Gcal';
    heatSource = 'manual';
  } else {
    const a = valueOn(input.buildingMeter.readings, d1);
    const b = valueOn(input.buildingMeter.readings, end);
    if (!a || !b) return failure('NO_BUILDING_METER_READINGS');
    q0 = exact(b).minus(exact(a));
    unit = input.buildingMeter.unit;
    heatSource = 'building-meter';
    buildingMeter = { unit, startDate: d1, endDate: end, startValue: a.toString(), endValue: b.toString() };
  }
  if (q0.lte(0)) return failure('NON_POSITIVE_HEAT');
  const q = toGcal(q0, unit);

  // Steps 3–6. Meter windows, heat-meter premises, classification, units.
  const work = input.premises.map((p) => workPremise(p, input, d1, end));

  // Step 7. Coverage.
  const totalArea = work.reduce((s, w) => s.plus(w.area), new EX(0));
  const coveredArea = work.filter((w) => w.method === 'allocators' || w.method === 'heat-meter').reduce((s, w) => s.plus(w.area), new EX(0));
  if (coveredArea.times(2).lt(totalArea)) return failure('COVERAGE_BELOW_HALF');

  // Step 8. Area premises. Every value is `numerator / den` with one den for all:
  // Q = q0 / PER_GCAL[unit] = q0 × PER_W[unit] / W; S_i × Q / S_tot; S_i × N × f; Σ delta / PER_GCAL.
  const f = monthFactor(d1, d2);
  const sTot = totalArea.isZero() ? new EX(1) : totalArea.abs();
  const den = W.times(sTot).times(f.denominator);
  const qNum = q0.times(PER_W[unit]).times(sTot).times(f.denominator);
  const numerators: Exact[] = work.map(() => new EX(0));
  const normsUsed: Partial<Record<PremiseKind, { value: string; from: string }>> = {};
  for (const [i, w] of work.entries()) {
    if (w.method === 'heat-meter') {
      numerators[i] = w.heatTimesW.times(sTot).times(f.denominator);
    } else if (w.method === 'area-average') {
      numerators[i] = totalArea.isZero() ? new EX(0) : w.area.times(q0).times(PER_W[unit]).times(f.denominator).times(sign(totalArea));
    } else if (w.method === 'area-norm') {
      const norm = normInForce(input.norms, w.premise.kind, d1, d2);
      if (!norm) return failure('NO_NORM', w.premise.kind);
      w.norm = norm;
      normsUsed[w.premise.kind] ??= { value: norm.value.toString(), from: norm.from };
      numerators[i] = w.area.times(exact(norm.value)).times(f.numerator).times(W).times(sTot);
    }
  }

  // Step 9. Allocator premises: Q_alloc = Q − Σ others, decided exactly.
  const allocNum = work.reduce((s, w, i) => (w.method === 'allocators' ? s : s.minus(numerators[i]!)), qNum);
  assertExact(qNum, den, allocNum);
  if (allocNum.isNeg()) return failure('NEGATIVE_REMAINDER');
  const allocatorPremises = work.filter((w) => w.method === 'allocators');
  const sumR = allocatorPremises.reduce((s, w) => s.plus(exact(w.units)), new EX(0));
  if (sumR.isZero() && !allocNum.isZero()) return failure('ZERO_UNITS');
  // Q_i = Q_alloc × R_i / ΣR: bring every value over den × |ΣR|.
  const scale = sumR.isZero() ? new EX(1) : sumR.abs();
  const common = den.times(scale);
  for (const [i, w] of work.entries()) {
    numerators[i] =
      w.method === 'allocators' ? (sumR.isZero() ? new EX(0) : allocNum.times(exact(w.units)).times(sign(sumR))) : numerators[i]!.times(scale);
  }

  // Rounding: the premises sum exactly to Q rounded half-up.
  const target = roundHalfUp4(qNum, den);
  const rounded = roundLargestRemainder(numerators, common, target);

  const premises: PremiseResult[] = work.map((w, i) => {
    const gcal = rounded[i]!;
    return {
      id: w.premise.id,
      method: w.method,
      gcal: gcal.toFixed(4),
      ...(w.method === 'allocators' ? { units: fixed4(w.units), estimated: w.estimated } : {}),
      kind: w.premise.kind,
      area: w.area.toString(),
      allocatorsTotal: w.n,
      allocatorsReported: w.k,
      gcalExact: fixedHalfUp(quotient(numerators[i]!, common), 10),
      gcalPerM2: w.area.isZero() ? '0.0000' : fixed4(quotient(gcal, w.area)),
      ...(w.norm ? { norm: { value: w.norm.value.toString(), from: w.norm.from } } : {}),
      allocators: w.allocators,
      heatMeters: w.heatMeters,
    };
  });

  // Areas keep the scale the input wrote them with ("80.0" + "90.0" = "170.0").
  const areaScale = Math.max(0, ...input.premises.map((p) => scaleOf(p.area)));
  return {
    ok: true,
    heatGcal: target.toFixed(4),
    heatSource,
    coveredArea: new D(coveredArea).toFixed(areaScale),
    totalArea: new D(totalArea).toFixed(areaScale),
    premises,
    coveragePercent: totalArea.isZero() ? '0.00' : fixedHalfUp(quotient(coveredArea.times(100), totalArea), 2),
    ...(buildingMeter ? { buildingMeter } : {}),
    heatGcalExact: fixedHalfUp(q, 10),
    allocatedGcal: fixed4(quotient(allocNum, den)),
    totalUnits: fixed4(sumR),
    gcalPerUnit: sumR.isZero() ? null : fixedHalfUp(quotient(allocNum, den.times(sumR)), 10),
    monthFactor: fixedHalfUp(f.value, 10),
    normsUsed,
    averageGcalPerM2: totalArea.isZero() ? '0.0000000000' : fixedHalfUp(quotient(q0, totalArea.times(exact(PER_GCAL[unit]))), 10),
    period: { from: d1, to: d2, end },
    options: {
      byNorm: input.options.byNorm,
      majority: input.options.majority,
      manualHeatGcal: manual === null || manual === undefined ? null : dec(manual).toString(),
    },
  };
}
