import { Decimal } from 'decimal.js';
import { InputError, type MeterRow, type ReadingRow, type ReportDataSource, addDays } from '@openamr/core/plugin-api';

export interface AllocatorParams {
  buildingId: string;
  from: string;
  to: string;
  premiseIds?: string[];
  format: 'xlsx' | 'csv' | 'json';
  byNorm: boolean;
  majority: boolean;
  manualHeatGcal: string | null;
}

/** What the report knows beyond the engine's input: names, radiators, the readings used. */
export interface AllocationContext {
  buildingName: string;
  buildingAddress: string;
  /** Premise number (the engine's premise id) → premise row id. */
  premiseIdsByNumber: Map<string, string>;
  /** Meter serial → radiator model in force on the period's last day. */
  radiatorModels: Map<string, string>;
  warnings: string[];
}

/** The engine's precision for the one conversion done here (mixed building-meter units). */
const D60 = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });

const GCAL_PER: Record<string, Decimal> = {
  Gcal: new D60(1),
  GJ: new D60('4.1868'),
  MWh: new D60('1.163'),
  kWh: new D60('1163'),
};

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** One value per day: the earliest reading of the day is the value "of day D" (00:00). */
function perDay(readings: ReadingRow[]): { values: Array<{ date: string; value: string }>; errors: Array<{ date: string; code: string }> } {
  const values: Array<{ date: string; value: string }> = [];
  const errors: Array<{ date: string; code: string }> = [];
  const seen = new Set<string>();
  for (const r of readings) {
    if (r.errorCode) errors.push({ date: r.day, code: r.errorCode });
    if (r.value === null || seen.has(r.day)) continue;
    seen.add(r.day);
    values.push({ date: r.day, value: r.value });
  }
  return { values, errors };
}

/**
 * Loads a building and a period through the read-only data source and builds the input of
 * `allocate` (spec/ALLOCATION.md): premises by number, allocators with the radiator
 * coefficient in force on the last day, heat meters, readings of the window, building meter
 * readings, norms. Decimals stay strings from the database to the engine.
 */
export async function buildAllocationInput(data: ReportDataSource, params: AllocatorParams): Promise<{ input: Record<string, unknown>; context: AllocationContext }> {
  // Independent queries run together (a pooled PostgreSQL answers them in parallel).
  const [building, premises, allMeters, heat, normRows] = await Promise.all([
    data.building(params.buildingId),
    data.premises(params.buildingId),
    data.meters(params.buildingId),
    data.heatReadings(params.buildingId, params.from, addDays(params.to, 1)),
    data.norms(params.buildingId),
  ]);
  if (!premises.length) {
    throw new InputError({ ru: `В объекте «${building.name}» нет помещений`, en: `Building "${building.name}" has no premises` }, { field: 'buildingId' });
  }
  const end = addDays(params.to, 1);
  const meters = allMeters.filter((m) => m.kind === 'heat-cost-allocator' || m.kind === 'heat-meter');
  // Only what the rule looks at: readings of the window's boundary days and error readings.
  const ids = meters.map((m) => m.id);
  const inside = (d: string | null): d is string => d !== null && d > params.from && d < end;
  const days = [...new Set([params.from, end, ...meters.map((m) => m.installedOn).filter(inside), ...meters.map((m) => m.decommissionedOn).filter(inside)])];
  const allocatorIds = meters.filter((m) => m.kind === 'heat-cost-allocator').map((m) => m.id);
  const [onDays, errors, historyRows] = await Promise.all([
    data.readingsOnDays(ids, days),
    data.errorReadings(ids, params.from, end),
    data.radiatorHistory(allocatorIds),
  ]);
  const seen = new Set<string>();
  const unique = [...onDays, ...errors]
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.takenAt.getTime() - b.takenAt.getTime()))
    .filter((r) => {
      const key = `${r.meterId}|${r.day}|${r.takenAt.getTime()}|${r.value}|${r.errorCode}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const byMeter = groupBy(unique, (r) => r.meterId);

  const warnings: string[] = [];
  const history = groupBy(historyRows, (h) => h.meterId);
  const radiatorModels = new Map<string, string>();
  const coefficientOf = (m: MeterRow): string => {
    const periods = history.get(m.id) ?? [];
    const inForce = periods.find((h) => (h.from === null || h.from <= params.to) && (h.to === null || h.to > params.to));
    if (!inForce) {
      throw new InputError(
        {
          ru: `У распределителя ${m.serial} нет радиатора на ${params.to}: укажите радиатор в карточке прибора`,
          en: `Allocator ${m.serial} has no radiator on ${params.to}: set its radiator on the meter card`,
        },
        { field: 'buildingId', serial: m.serial },
      );
    }
    const change = periods.find((h) => h.from !== null && h.from > params.from && h.from <= params.to);
    if (change) {
      warnings.push(
        `Радиатор распределителя ${m.serial} менялся ${change.from}: за весь период взят коэффициент ${inForce.coefficient} (${inForce.model}). ` +
          `Для точного расчета разбейте период на ${change.from}.`,
      );
    }
    radiatorModels.set(m.serial, inForce.model);
    return inForce.coefficient;
  };

  const metersOf = groupBy(meters, (m) => m.premiseId ?? '');
  const inputPremises = premises.map((p) => {
    const mine = metersOf.get(p.id) ?? [];
    const meterInput = (m: MeterRow) => {
      const { values, errors } = perDay(byMeter.get(m.id) ?? []);
      return {
        serial: m.serial,
        ...(m.installedOn ? { installed: m.installedOn } : {}),
        ...(m.decommissionedOn ? { removed: m.decommissionedOn } : {}),
        readings: values,
        ...(errors.length ? { errors } : {}),
      };
    };
    const allocators = mine.filter((m) => m.kind === 'heat-cost-allocator').map((m) => ({ ...meterInput(m), coefficient: coefficientOf(m) }));
    const heatMeters = mine
      .filter((m) => m.kind === 'heat-meter')
      .map((m) => {
        const unit = (byMeter.get(m.id) ?? []).find((r) => r.unit)?.unit ?? m.unit ?? 'Gcal';
        return { ...meterInput(m), unit };
      });
    return { id: p.number, kind: p.kind, area: p.area, allocators, ...(heatMeters.length ? { heatMeters } : {}) };
  });


  const units = new Set(heat.map((h) => h.unit));
  const buildingMeter =
    units.size <= 1
      ? { unit: heat[0]?.unit ?? 'Gcal', readings: heat.map((h) => ({ date: h.day, value: h.value })) }
      : {
          unit: 'Gcal',
          readings: heat.map((h) => ({ date: h.day, value: new D60(h.value).div(GCAL_PER[h.unit] ?? 1).toString() })),
        };
  const norms = normRows.map((n) => ({ kind: n.kind, from: n.effectiveFrom, value: n.value }));

  return {
    input: {
      building: building.name,
      period: { from: params.from, to: params.to },
      options: { byNorm: params.byNorm, majority: params.majority, manualHeatGcal: params.manualHeatGcal },
      buildingMeter,
      norms,
      premises: inputPremises,
    },
    context: {
      buildingName: building.name,
      buildingAddress: building.address,
      premiseIdsByNumber: new Map(premises.map((p) => [p.number, p.id])),
      radiatorModels,
      warnings,
    },
  };
}
