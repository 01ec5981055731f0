import type { Knex } from 'knex';
import { NotFoundError } from '../plugin-api/errors.js';
import { naturalNumberKey } from './natural-order.js';
import type { Registries } from '../loader/registries.js';
import { LAST_READING_LATERAL, stateSql } from './meter-view.js';
import type {
  BuildingRow,
  ConcentratorRow,
  DeviceTypeInfo,
  MeterActivityRow,
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
export function createReportDataSource(db: Knex, opts: { registries?: Registries; staleDays?: number } = {}): ReportDataSource {
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
      // Kind and unit come from the device types once, not per meter row (both queries at once).
      const [typeRows, rows] = await Promise.all([
        db('device_types').select('id', 'kind', 'quantities', 'primary_quantity'),
        db('meters as m')
          .join('premises as p', 'p.id', 'm.premise_id')
          .where('p.building_id', buildingId)
          .select('m.id', 'm.serial', 'm.device_type_id', 'm.premise_id', 'm.installed_on', 'm.decommissioned_on', 'm.water_medium')
          .orderBy(['m.premise_id', 'm.serial']),
      ]);
      const types = new Map<string, { kind: MeterRow['kind']; unit: string | null }>();
      for (const t of typeRows) {
        const primary = (t.quantities as Array<{ key: string; unit: string }>).find((q) => q.key === t.primary_quantity);
        types.set(t.id, { kind: t.kind, unit: primary?.unit ?? null });
      }
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
    async meterActivity(meterIds: string[], fromDay: string, toDay: string): Promise<MeterActivityRow[]> {
      if (!meterIds.length) return [];
      // One row per meter: an index range count over the meter's own installation inside the
      // period, the newest reading up to toDay (or its decommission day) and the concentrator
      // of the newest polled reading (each from the (meter_id, day) index). The period's bounds
      // stay constants, so only its partitions are planned.
      const rows = await db
        .from(db.raw('unnest(?::uuid[]) as ids(id)', [meterIds]))
        .join('meters as m', 'm.id', 'ids.id')
        .joinRaw(
          `left join lateral (select count(distinct d.day)::int as n from readings d where d.meter_id = m.id and d.day between ? and ?
             and (m.installed_on is null or d.day >= m.installed_on) and (m.decommissioned_on is null or d.day <= m.decommissioned_on)) c on true`,
          [fromDay, toDay],
        )
        .joinRaw(LAST_READING_LATERAL)
        .joinRaw(
          `left join lateral (select x.day, x.error_code from readings x where x.meter_id = m.id and x.day <= ?
             and (m.decommissioned_on is null or x.day <= m.decommissioned_on) order by x.day desc, x.taken_at desc limit 1) lt on true`,
          [toDay],
        )
        .joinRaw(
          `left join lateral (select pr.concentrator_id from readings x join poll_runs pr on pr.id = x.poll_run_id
             where x.meter_id = m.id and x.poll_run_id is not null order by x.day desc, x.taken_at desc limit 1) pc on true`,
        )
        .select('m.id', 'c.n', 'lt.day as last_day', 'lt.error_code as last_error', 'pc.concentrator_id', db.raw(`${stateSql(db, opts.staleDays ?? 21).toQuery()} as state`));
      return rows.map((r) => ({
        meterId: r.id,
        daysWithReadings: r.n,
        lastDay: r.last_day,
        lastErrorCode: r.last_error || null,
        state: r.state,
        concentratorId: r.concentrator_id,
      }));
    },
    async concentrators(buildingId: string): Promise<ConcentratorRow[]> {
      const rows = await db('concentrators as c')
        .where('c.building_id', buildingId)
        .joinRaw(
          `left join lateral (select r.outcome, r.started_at, r.finished_at, r.error from poll_runs r where r.concentrator_id = c.id order by r.started_at desc limit 1) lr on true`,
        )
        .select('c.id', 'c.name', 'c.type', 'c.host', 'c.driver_id', 'lr.outcome', 'lr.started_at', 'lr.finished_at', 'lr.error')
        .orderBy(['c.name', 'c.id']);
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        type: r.type,
        host: r.host,
        driverId: r.driver_id,
        lastRun: r.outcome ? { outcome: r.outcome, startedAt: r.started_at, finishedAt: r.finished_at, error: r.error } : null,
      }));
    },
    deviceType(id: string): DeviceTypeInfo | undefined {
      const t = opts.registries?.deviceTypes.get(id);
      if (!t) return undefined;
      return { id: t.id, label: t.label, kind: t.kind, quantities: t.quantities as DeviceTypeInfo['quantities'], primaryQuantity: t.primaryQuantity, errorCodes: t.errorCodes ?? {} };
    },
  };
}
