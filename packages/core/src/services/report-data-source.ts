import type { Knex } from 'knex';
import { NotFoundError } from '../plugin-api/errors.js';
import { naturalNumberKey } from './natural-order.js';
import type {
  BuildingRow,
  HeatReadingRow,
  MeterRow,
  NormRow,
  PremiseRow,
  RadiatorPeriodRow,
  ReadingRow,
  ReportDataSource,
} from '../plugin-api/report-generator.js';

const READING_COLUMNS = ['meter_id', 'day', 'taken_at', 'value', 'unit', 'values', 'error_code', 'source'];

export const PREMISE_COLUMNS = ['id', 'building_id', 'number', 'floor', 'entrance', 'area', 'account_number', 'acceptance_date', 'kind'];

export function toPremiseRow(r: Record<string, any>): PremiseRow {
  return {
    id: r.id,
    buildingId: r.building_id,
    number: r.number,
    floor: r.floor,
    entrance: r.entrance,
    area: r.area,
    accountNumber: r.account_number,
    acceptanceDate: r.acceptance_date,
    kind: r.kind,
  };
}

function toReading(r: Record<string, any>): ReadingRow {
  return {
    meterId: r.meter_id,
    day: r.day,
    takenAt: r.taken_at,
    value: r.value,
    unit: r.unit,
    values: r.values,
    errorCode: r.error_code,
    source: r.source,
  };
}

/**
 * The read-only data source reports use (the core's implementation of ReportDataSource).
 * Each method is one SQL query, whatever the size of the building.
 */
export function createReportDataSource(db: Knex): ReportDataSource {
  return {
    async building(id: string): Promise<BuildingRow> {
      const r = await db('buildings').where({ id }).first('id', 'name', 'address', 'total_area', 'time_zone');
      if (!r) throw new NotFoundError({ ru: 'Объект не найден', en: 'Building not found' }, { field: 'buildingId', id });
      return { id: r.id, name: r.name, address: r.address, totalArea: r.total_area, timeZone: r.time_zone };
    },
    async premises(buildingId: string): Promise<PremiseRow[]> {
      const rows = await db('premises')
        .where({ building_id: buildingId })
        .select(PREMISE_COLUMNS)
        .orderByRaw(`${naturalNumberKey('number')}, number`);
      return rows.map(toPremiseRow);
    },
    async meters(buildingId: string): Promise<MeterRow[]> {
      // Kind and unit come from the device types once, not per meter row.
      const types = new Map<string, { kind: MeterRow['kind']; unit: string | null }>();
      for (const t of await db('device_types').select('id', 'kind', 'quantities', 'primary_quantity')) {
        const primary = (t.quantities as Array<{ key: string; unit: string }>).find((q) => q.key === t.primary_quantity);
        types.set(t.id, { kind: t.kind, unit: primary?.unit ?? null });
      }
      const rows = await db('meters as m')
        .join('premises as p', 'p.id', 'm.premise_id')
        .where('p.building_id', buildingId)
        .select(
          'm.id',
          'm.serial',
          'm.device_type_id',
          'm.premise_id',
          'm.installed_on',
          'm.decommissioned_on',
          'm.water_medium',
        )
        .orderBy(['m.premise_id', 'm.serial']);
      return rows.map((r) => ({
        id: r.id,
        serial: r.serial,
        deviceTypeId: r.device_type_id,
        kind: types.get(r.device_type_id)?.kind ?? null,
        unit: types.get(r.device_type_id)?.unit ?? null,
        premiseId: r.premise_id,
        installedOn: r.installed_on,
        decommissionedOn: r.decommissioned_on,
        waterMedium: r.water_medium,
      }));
    },
    async readings(meterIds: string[], fromDay: string, toDay: string): Promise<ReadingRow[]> {
      if (!meterIds.length) return [];
      const rows = await db('readings')
        .whereIn('meter_id', meterIds)
        .whereBetween('day', [fromDay, toDay])
        .select(READING_COLUMNS)
        .orderBy(['meter_id', 'day', 'taken_at']);
      return rows.map(toReading);
    },
    async readingsOnDays(meterIds: string[], days: string[]): Promise<ReadingRow[]> {
      if (!meterIds.length || !days.length) return [];
      const rows = await db('readings')
        .whereRaw('meter_id = any(?::uuid[])', [meterIds])
        .whereRaw('day = any(?::date[])', [days])
        .select(READING_COLUMNS);
      return rows.map(toReading);
    },
    async errorReadings(meterIds: string[], fromDay: string, toDay: string): Promise<ReadingRow[]> {
      if (!meterIds.length) return [];
      const rows = await db('readings')
        .whereRaw('meter_id = any(?::uuid[])', [meterIds])
        .whereBetween('day', [fromDay, toDay])
        .whereNotNull('error_code')
        .whereNot('error_code', '')
        .select(READING_COLUMNS);
      return rows.map(toReading);
    },
    async lastReadings(meterIds: string[], day: string): Promise<ReadingRow[]> {
      if (!meterIds.length) return [];
      const rows = await db
        .select(READING_COLUMNS.map((c) => `r.${c}`))
        .from(db.raw('unnest(?::uuid[]) as m(id)', [meterIds]))
        .joinRaw(
          `cross join lateral (select * from readings x where x.meter_id = m.id and x.day <= ? order by x.day desc, x.taken_at desc limit 1) r`,
          [day],
        );
      return rows.map(toReading);
    },
    async heatReadings(buildingId: string, fromDay: string, toDay: string): Promise<HeatReadingRow[]> {
      const rows = await db('building_heat_readings')
        .where({ building_id: buildingId })
        .whereBetween('day', [fromDay, toDay])
        .select('day', 'value', 'unit')
        .orderBy('day');
      return rows as HeatReadingRow[];
    },
    async norms(buildingId: string): Promise<NormRow[]> {
      const rows = await db('norms').where({ building_id: buildingId }).select('kind', 'effective_from', 'value').orderBy(['kind', 'effective_from']);
      return rows.map((r) => ({ kind: r.kind, effectiveFrom: r.effective_from, value: r.value }));
    },
    async radiatorHistory(meterIds: string[]): Promise<RadiatorPeriodRow[]> {
      if (!meterIds.length) return [];
      const rows = await db('meter_radiators as mr')
        .join('radiators as r', 'r.id', 'mr.radiator_id')
        .whereIn('mr.meter_id', meterIds)
        .select('mr.meter_id', 'mr.radiator_id', 'r.model', 'r.coefficient', 'mr.valid_from', 'mr.valid_to')
        .orderBy(['mr.meter_id', 'mr.valid_from']);
      return rows.map((r) => ({
        meterId: r.meter_id,
        radiatorId: r.radiator_id,
        model: r.model,
        coefficient: r.coefficient,
        from: r.valid_from,
        to: r.valid_to,
      }));
    },
  };
}
