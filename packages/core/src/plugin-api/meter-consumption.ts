import { Decimal } from 'decimal.js';
import type { MeterRow, ReadingRow, ReportDataSource } from './report-generator.js';
import { addDays } from './report-output.js';

/**
 * How many of each energy unit make one Gcal, exactly: 1 Gcal = 4.1868 GJ = 4186.8 MJ =
 * 1.163 MWh = 1163 kWh (the international-table calorie; 1 MWh = 3.6 GJ).
 */
export const ENERGY_UNITS_PER_GCAL = { Gcal: '1', GJ: '4.1868', MJ: '4186.8', MWh: '1.163', kWh: '1163' } as const;

/**
 * Decimals for consumptions and unit conversion: 60 significant digits (far more than any
 * meter has, so sums and differences are exact), half-even (as the allocation engine's).
 */
const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });
const PER_GCAL = new Map(Object.entries(ENERGY_UNITS_PER_GCAL).map(([unit, n]) => [unit, new D(n)]));

/**
 * An energy value in Gcal: one division by the exact factor, correctly rounded to 60
 * significant digits (exact whenever the quotient has fewer, e.g. 8.3736 GJ → 2); undefined
 * for a unit that is not energy.
 */
export function toGcal(value: string, unit: string): string | undefined {
  const per = PER_GCAL.get(unit);
  return per ? new D(value).div(per).toString() : undefined;
}

/** One installation of a meter inside a report period: the boundary days of its consumption. */
export interface MeterPeriod {
  meter: MeterRow;
  /** The first boundary: the period's first day, or the day the meter was installed. */
  startDay: string;
  /** The last boundary: the day after the period's last day, or the decommission day. */
  endDay: string;
  /** Why the boundaries are not the period's: the meter was installed or decommissioned inside it. */
  installedInside: boolean;
  decommissionedInside: boolean;
}

/**
 * The installations of the meters that count in [from, to]: the reading of the first day to
 * the reading of the day after the last day; a meter installed inside the period starts on
 * its installation day, one decommissioned inside it ends on its decommission day (its last
 * reading). Meters installed after the period or decommissioned before it are left out.
 */
export function meterPeriods(meters: MeterRow[], from: string, to: string): MeterPeriod[] {
  const after = addDays(to, 1);
  const out: MeterPeriod[] = [];
  for (const meter of meters) {
    if (meter.installedOn && meter.installedOn > to) continue;
    if (meter.decommissionedOn && meter.decommissionedOn < from) continue;
    const installedInside = !!meter.installedOn && meter.installedOn > from;
    const decommissionedInside = !!meter.decommissionedOn && meter.decommissionedOn < after;
    out.push({
      meter,
      startDay: installedInside ? meter.installedOn! : from,
      endDay: decommissionedInside ? meter.decommissionedOn! : after,
      installedInside,
      decommissionedInside,
    });
  }
  return out;
}

export interface BoundaryReading {
  day: string;
  /** Null when there is no reading of that day. */
  value: string | null;
  values: Record<string, string | number> | null;
  unit: string | null;
}

export interface MeterConsumption extends MeterPeriod {
  start: BoundaryReading;
  end: BoundaryReading;
  /** end − start (exact decimal string), null when a boundary reading is missing. */
  consumption: string | null;
  /** The latest reading known up to the end boundary, for a meter with a boundary missing («нет показаний»). */
  lastKnown: { day: string; value: string } | null;
}

const instant = (r: ReadingRow) => (r.takenAt instanceof Date ? r.takenAt.getTime() : Date.parse(String(r.takenAt)));

/**
 * Consumption of each meter installation over the period from its boundary readings: two
 * queries whatever the number of meters (the boundary days, then the last known reading of
 * those with a boundary missing). A missing boundary is never a zero: `consumption` is null
 * and `lastKnown` says what was last read.
 */
export async function boundaryConsumption(data: ReportDataSource, periods: MeterPeriod[]): Promise<MeterConsumption[]> {
  const ids = [...new Set(periods.map((p) => p.meter.id))];
  const days = [...new Set(periods.flatMap((p) => [p.startDay, p.endDay]))];
  // The reading of a day is the earliest of the day (the 00:00 reading, F18). Keyed by meter,
  // then day: no string keys built per row.
  const byMeter = new Map<string, Map<string, ReadingRow>>();
  for (const r of await data.readingsOnDays(ids, days)) {
    let ofMeter = byMeter.get(r.meterId);
    if (!ofMeter) byMeter.set(r.meterId, (ofMeter = new Map()));
    const had = ofMeter.get(r.day);
    if (!had || instant(r) < instant(had)) ofMeter.set(r.day, r);
  }
  const boundary = (ofMeter: Map<string, ReadingRow> | undefined, day: string): BoundaryReading => {
    const r = ofMeter?.get(day);
    return r ? { day, value: r.value, values: r.values ?? null, unit: r.unit ?? null } : { day, value: null, values: null, unit: null };
  };
  // Plain object literals, not `{ ...p }`: V8 spreads these period objects an order of
  // magnitude slower than it copies five named fields (measured in bench/reports).
  const out: MeterConsumption[] = periods.map((p) => {
    const ofMeter = byMeter.get(p.meter.id);
    const start = boundary(ofMeter, p.startDay);
    const end = boundary(ofMeter, p.endDay);
    const consumption = start.value !== null && end.value !== null ? new D(end.value).minus(start.value).toString() : null;
    return {
      meter: p.meter,
      startDay: p.startDay,
      endDay: p.endDay,
      installedInside: p.installedInside,
      decommissionedInside: p.decommissionedInside,
      start,
      end,
      consumption,
      lastKnown: null,
    };
  });
  const missing = out.filter((c) => c.consumption === null);
  if (missing.length) {
    // One query per distinct end day (usually one).
    const byEnd = new Map<string, string[]>();
    for (const c of missing) byEnd.set(c.endDay, [...(byEnd.get(c.endDay) ?? []), c.meter.id]);
    const last = new Map<string, ReadingRow>();
    for (const [day, meterIds] of byEnd) for (const r of await data.lastReadings(meterIds, day)) last.set(`${r.meterId}|${day}`, r);
    for (const c of missing) {
      const r = last.get(`${c.meter.id}|${c.endDay}`);
      c.lastKnown = r ? { day: r.day, value: r.value } : null;
    }
  }
  return out;
}

/** Exact decimal sum of strings (nulls skipped). */
export function sumDecimals(values: Array<string | null | undefined>): string {
  return values.reduce((a, v) => (v === null || v === undefined ? a : a.plus(v)), new D(0)).toString();
}

/** A decimal string rounded for display (half up), e.g. `fixed('1.23456', 3)` → `1.235`. */
export function fixed(value: string | null, places: number): string | null {
  return value === null ? null : new D(value).toFixed(places, Decimal.ROUND_HALF_UP);
}
