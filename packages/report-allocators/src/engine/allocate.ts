import { D, ZERO, dec, fixed4, scaleOf, toGcal, type Dec, type HeatUnit } from './decimal.js';
import { addDays, daysInMonth, eachDay, maxDay, minDay, type Day } from './days.js';
import { ALLOCATION_ERRORS, type AllocationErrorCode } from './errors.js';
import { validateAllocationInput, type AllocationInput, type DatedValue, type MeterInput, type PremiseInput } from './input-schema.js';
import { roundLargestRemainder } from './round-largest-remainder.js';
import type { AllocationFailure, AllocationResult, AllocatorDetail, HeatMeterDetail, MeterStatus, Method, PremiseResult } from './result.js';

type Kind = 'residential' | 'non-residential';
const KIND_WORDS: Record<Kind, { ru: string; en: string }> = {
  residential: { ru: 'жилые', en: 'residential' },
  'non-residential': { ru: 'нежилые', en: 'non-residential' },
};

function failure(code: AllocationErrorCode, kind?: Kind): AllocationFailure {
  const text = ALLOCATION_ERRORS[code];
  const fill = (s: string, lang: 'ru' | 'en') => (kind ? s.replace('{kind}', KIND_WORDS[kind][lang]) : s);
  return { ok: false, error: { code, message: fill(text.ru, 'ru'), messageEn: fill(text.en, 'en') } };
}

/** The value of day D: the first reading of that day in the list (spec: Input). */
function valueOf(readings: DatedValue[], day: Day): Dec | null {
  const r = readings.find((x) => x.date === day);
  return r ? dec(r.value) : null;
}

interface Evaluated {
  inPeriod: boolean;
  start: Day | null;
  stop: Day | null;
  startValue: Dec | null;
  endValue: Dec | null;
  delta: Dec | null;
  status: MeterStatus;
  errorCode?: string;
}

/** Step 3: the meter's window [start, stop) and whether it reported in it. */
function evaluate(m: MeterInput, d1: Day, end: Day): Evaluated {
  const start = maxDay(d1, m.installed);
  const stop = minDay(end, m.removed);
  if (start >= stop) return { inPeriod: false, start: null, stop: null, startValue: null, endValue: null, delta: null, status: 'not-in-period' };
  const startValue = valueOf(m.readings, start);
  const endValue = valueOf(m.readings, stop);
  const base = { inPeriod: true, start, stop, startValue, endValue, delta: null };
  const error = (m.errors ?? []).find((e) => e.date >= start && e.date < stop);
  if (error) return { ...base, status: 'error', errorCode: String(error.code) };
  if (!startValue) return { ...base, status: 'no-start-reading' };
  if (!endValue) return { ...base, status: 'no-end-reading' };
  if (endValue.lt(startValue)) return { ...base, status: 'decreased' };
  return { ...base, delta: endValue.minus(startValue), status: 'reported' };
}

const str = (x: Dec | null) => (x === null ? null : x.toString());

/** Step 8: the norm of a kind in force on d1 (else the earliest starting inside the period). */
function normFor(input: AllocationInput, kind: Kind, d1: Day, d2: Day): { value: Dec; from: Day } | null {
  const ofKind = input.norms.filter((n) => n.kind === kind);
  const before = ofKind.filter((n) => n.from <= d1).sort((a, b) => (a.from < b.from ? 1 : -1))[0];
  const inside = ofKind.filter((n) => n.from > d1 && n.from <= d2).sort((a, b) => (a.from < b.from ? -1 : 1))[0];
  const n = before ?? inside;
  return n ? { value: dec(n.value), from: n.from } : null;
}

interface Working {
  premise: PremiseInput;
  area: Dec;
  method: Method;
  allocators: AllocatorDetail[];
  heatMeters: HeatMeterDetail[];
  n: number;
  k: number;
  units: Dec;
  estimated: number;
  exact: Dec;
  norm?: { value: Dec; from: Day };
}

/**
 * Heat cost allocation, exactly as spec/ALLOCATION.md says, in decimal arithmetic
 * (60 significant digits) end to end. Throws AllocationInputError for an input that fails
 * the schema; every calculation error is a result with `ok: false`.
 */
export function allocate(raw: unknown): AllocationResult {
  return allocateValidated(validateAllocationInput(raw));
}

/**
 * The same on an input already known to match the schema (built by the report from typed
 * rows): skips the joi pass, which costs more than the calculation on a large building.
 */
export function allocateValidated(input: AllocationInput): AllocationResult {
  // Step 1. Days.
  const d1 = input.period.from;
  const d2 = input.period.to;
  if (d2 < d1) return failure('INVALID_PERIOD');
  const end = addDays(d2, 1);

  // Step 2. Building heat Q.
  let q: Dec;
  let heatSource: 'manual' | 'building-meter';
  let buildingMeter: { unit: string; startDate: string; endDate: string; startValue: string; endValue: string } | undefined;
  if (input.options.manualHeatGcal !== null && input.options.manualHeatGcal !== undefined) {
    q = dec(input.options.manualHeatGcal);
    heatSource = 'manual';
  } else {
    const a = valueOf(input.buildingMeter.readings, d1);
    const b = valueOf(input.buildingMeter.readings, end);
    if (!a || !b) return failure('NO_BUILDING_METER_READINGS');
    q = toGcal(b.minus(a), input.buildingMeter.unit);
    heatSource = 'building-meter';
    buildingMeter = { unit: input.buildingMeter.unit, startDate: d1, endDate: end, startValue: a.toString(), endValue: b.toString() };
  }
  if (q.lte(0)) return failure('NON_POSITIVE_HEAT');

  // Steps 3–6. Meters, heat-meter premises, classification, units.
  const work: Working[] = input.premises.map((premise) => {
    // Decimals stay objects while computing; the detail gets their strings once.
    const evaluated = premise.allocators.map((a) => {
      const e = evaluate(a, d1, end);
      const coefficient = dec(a.coefficient);
      return { a, e, coefficient, r: e.delta ? e.delta.times(coefficient) : null };
    });
    const allocators: AllocatorDetail[] = evaluated.map(({ a, e, coefficient, r }) => ({
      serial: a.serial,
      coefficient: coefficient.toString(),
      start: e.start,
      stop: e.stop,
      startValue: str(e.startValue),
      endValue: str(e.endValue),
      delta: str(e.delta),
      reducedUnits: str(r),
      status: e.status,
      inPeriod: e.inPeriod,
      reported: e.status === 'reported',
      estimated: false,
      ...(e.errorCode ? { errorCode: e.errorCode } : {}),
    }));
    const heatGcal: Array<Dec | null> = [];
    const heatMeters: HeatMeterDetail[] = (premise.heatMeters ?? []).map((h) => {
      const e = evaluate(h, d1, end);
      const gcal = e.delta ? toGcal(e.delta, h.unit as HeatUnit) : null;
      heatGcal.push(gcal);
      return {
        serial: h.serial,
        unit: h.unit,
        start: e.start,
        stop: e.stop,
        startValue: str(e.startValue),
        endValue: str(e.endValue),
        delta: str(e.delta),
        gcal: str(gcal),
        status: e.status,
        inPeriod: e.inPeriod,
        reported: e.status === 'reported',
        ...(e.errorCode ? { errorCode: e.errorCode } : {}),
      };
    });
    const taking = evaluated.map((x, i) => ({ ...x, detail: allocators[i]! })).filter((x) => x.e.inPeriod);
    const n = taking.length;
    const k = taking.filter((x) => x.r !== null).length;
    const meters = heatMeters.map((h, i) => ({ h, gcal: heatGcal[i]! })).filter((x) => x.h.inPeriod);
    let method: Method;
    let exact = ZERO;
    if (n === 0 && meters.length > 0 && meters.every((x) => x.h.reported)) {
      method = 'heat-meter';
      exact = meters.reduce((s, x) => s.plus(x.gcal!), ZERO);
    } else if ((k === n && n > 0) || (input.options.majority && 2 * k > n)) {
      method = 'allocators';
    } else {
      method = input.options.byNorm ? 'area-norm' : 'area-average';
    }
    let units = ZERO;
    let estimated = 0;
    if (method === 'allocators') {
      const working = taking.filter((x) => x.r !== null);
      const sumR = working.reduce((s, x) => s.plus(x.r!), ZERO);
      const sumK = working.reduce((s, x) => s.plus(x.coefficient), ZERO);
      units = sumR;
      for (const x of taking.filter((y) => y.r === null)) {
        const estimate = sumK.isZero() ? ZERO : x.coefficient.times(sumR).div(sumK);
        x.detail.reducedUnits = estimate.toString();
        x.detail.estimated = true;
        units = units.plus(estimate);
        estimated++;
      }
    }
    return { premise, area: dec(premise.area), method, allocators, heatMeters, n, k, units, estimated, exact };
  });

  // Step 7. Coverage.
  const totalArea = work.reduce((s, w) => s.plus(w.area), ZERO);
  // Areas keep the scale the input wrote them with ("80.0" + "90.0" = "170.0").
  const areaScale = Math.max(0, ...input.premises.map((p) => scaleOf(p.area)));
  const coveredArea = work.filter((w) => w.method === 'allocators' || w.method === 'heat-meter').reduce((s, w) => s.plus(w.area), ZERO);
  if (coveredArea.times(2).lt(totalArea)) return failure('COVERAGE_BELOW_HALF');

  // Step 8. Area premises.
  let f = ZERO;
  for (const day of eachDay(d1, d2)) f = f.plus(new D(1).div(daysInMonth(day)));
  const normsUsed: Partial<Record<Kind, { value: string; from: string }>> = {};
  for (const w of work) {
    if (w.method === 'area-average') {
      w.exact = totalArea.isZero() ? ZERO : w.area.times(q).div(totalArea);
    } else if (w.method === 'area-norm') {
      const norm = normFor(input, w.premise.kind, d1, d2);
      if (!norm) return failure('NO_NORM', w.premise.kind);
      w.norm = norm;
      normsUsed[w.premise.kind] = { value: norm.value.toString(), from: norm.from };
      w.exact = w.area.times(norm.value).times(f);
    }
  }

  // Step 9. Allocator premises.
  const others = work.filter((w) => w.method !== 'allocators').reduce((s, w) => s.plus(w.exact), ZERO);
  const qAlloc = q.minus(others);
  if (qAlloc.lt(0)) return failure('NEGATIVE_REMAINDER');
  const allocatorPremises = work.filter((w) => w.method === 'allocators');
  const sumR = allocatorPremises.reduce((s, w) => s.plus(w.units), ZERO);
  if (sumR.isZero() && qAlloc.gt(0)) return failure('ZERO_UNITS');
  for (const w of allocatorPremises) w.exact = sumR.isZero() ? ZERO : qAlloc.times(w.units).div(sumR);

  // Rounding: the premises sum exactly to Q rounded half-up.
  const target = q.toDecimalPlaces(4, D.ROUND_HALF_UP);
  const rounded = roundLargestRemainder(
    work.map((w) => w.exact),
    target,
  );

  const premises: PremiseResult[] = work.map((w, i) => ({
    id: w.premise.id,
    method: w.method,
    gcal: rounded[i]!.toFixed(4),
    ...(w.method === 'allocators' ? { units: fixed4(w.units), estimated: w.estimated } : {}),
    kind: w.premise.kind,
    area: w.area.toString(),
    allocatorsTotal: w.n,
    allocatorsReported: w.k,
    gcalExact: w.exact.toDecimalPlaces(10, D.ROUND_HALF_UP).toFixed(10),
    gcalPerM2: w.area.isZero() ? '0.0000' : fixed4(rounded[i]!.div(w.area)),
    ...(w.norm ? { norm: { value: w.norm.value.toString(), from: w.norm.from } } : {}),
    allocators: w.allocators,
    heatMeters: w.heatMeters,
  }));

  return {
    ok: true,
    heatGcal: target.toFixed(4),
    heatSource,
    coveredArea: coveredArea.toFixed(areaScale),
    totalArea: totalArea.toFixed(areaScale),
    premises,
    coveragePercent: totalArea.isZero() ? '0.00' : coveredArea.div(totalArea).times(100).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2),
    ...(buildingMeter ? { buildingMeter } : {}),
    allocatedGcal: fixed4(qAlloc),
    totalUnits: fixed4(sumR),
    gcalPerUnit: sumR.isZero() ? null : qAlloc.div(sumR).toDecimalPlaces(10, D.ROUND_HALF_UP).toFixed(10),
    monthFactor: f.toDecimalPlaces(10, D.ROUND_HALF_UP).toFixed(10),
    normsUsed,
    averageGcalPerM2: totalArea.isZero() ? '0' : q.div(totalArea).toDecimalPlaces(10, D.ROUND_HALF_UP).toFixed(10),
    period: { from: d1, to: d2, end },
    options: {
      byNorm: input.options.byNorm,
      majority: input.options.majority,
      manualHeatGcal: input.options.manualHeatGcal === null || input.options.manualHeatGcal === undefined ? null : dec(input.options.manualHeatGcal).toString(),
    },
  };
}
