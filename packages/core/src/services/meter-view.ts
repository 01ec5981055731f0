import type { Knex } from 'knex';
import type { Registries } from '../loader/registries.js';

export type MeterState = 'ok' | 'stale' | 'error' | 'decommissioned';

/** A meter as every screen shows it: with its state (F06), last reading, error and radiator. */
export interface MeterView {
  id: string;
  serial: string;
  deviceTypeId: string;
  deviceTypeLabel: string;
  kind: string | null;
  premiseId: string | null;
  premiseNumber: string | null;
  buildingId: string | null;
  buildingName: string | null;
  installedOn: string | null;
  decommissionedOn: string | null;
  waterMedium: 'hot' | 'cold' | null;
  address: string | null;
  notes: string | null;
  radiatorId: string | null;
  radiatorModel: string | null;
  radiatorCoefficient: string | null;
  state: MeterState;
  lastReading: { date: string; takenAt: Date; value: string | null; unit: string | null; errorCode: string | null } | null;
  errorCode: string | null;
  errorDate: string | null;
  errorDescription: string | null;
}

/**
 * The state rule in SQL (F06): decommissioned wins, then a current error code, then a last
 * reading older than `staleDays` (or none at all) is stale; else ok.
 */
export function stateSql(db: Knex, staleDays: number, meter = 'm', last = 'lr'): Knex.Raw {
  return db.raw(
    `case when ${meter}.decommissioned_on is not null then 'decommissioned'
          when coalesce(${last}.error_code, '') <> '' then 'error'
          when ${last}.day is null or ${last}.day < current_date - ?::int then 'stale'
          else 'ok' end`,
    [staleDays],
  );
}

/** The newest reading of meter `m` (uses the (meter_id, day) index of every partition). */
export const LAST_READING_LATERAL = `left join lateral (
    select r.day, r.taken_at, r.value, r.unit, r.error_code from readings r
    where r.meter_id = m.id order by r.day desc, r.taken_at desc limit 1) lr on true`;

/**
 * One query for any set of meters with everything a meter row shows. `where` narrows it
 * (by premise, id, serial prefix…); `withErrorDate` adds when the current error began.
 */
export function meterViewQuery(db: Knex, staleDays: number, opts: { withErrorDate?: boolean } = {}): Knex.QueryBuilder {
  const q = db
    .from('meters as m')
    .leftJoin('premises as p', 'p.id', 'm.premise_id')
    .leftJoin('buildings as b', 'b.id', 'p.building_id')
    .joinRaw(LAST_READING_LATERAL)
    .joinRaw(
      `left join lateral (
        select mr.radiator_id, rad.model, rad.coefficient from meter_radiators mr join radiators rad on rad.id = mr.radiator_id
        where mr.meter_id = m.id and mr.valid_to is null order by mr.valid_from desc nulls last limit 1) cr on true`,
    )
    .select(
      'm.id',
      'm.serial',
      'm.device_type_id',
      'm.premise_id',
      'p.number as premise_number',
      'p.building_id',
      'b.name as building_name',
      'm.installed_on',
      'm.decommissioned_on',
      'm.water_medium',
      'm.address',
      'm.notes',
      'cr.radiator_id',
      'cr.model as radiator_model',
      'cr.coefficient as radiator_coefficient',
      'lr.day as last_day',
      'lr.taken_at as last_taken_at',
      'lr.value as last_value',
      'lr.unit as last_unit',
      'lr.error_code as last_error_code',
      db.raw('? as state', [stateSql(db, staleDays)]),
    );
  if (opts.withErrorDate) {
    q.select(
      db.raw(`case when coalesce(lr.error_code, '') <> '' then (
        select min(e.day) from readings e where e.meter_id = m.id and e.error_code = lr.error_code
          and e.day > coalesce((select max(k.day) from readings k where k.meter_id = m.id and coalesce(k.error_code, '') = ''), '-infinity'::date)
      ) end as error_date`),
    );
  }
  return q;
}

export function toMeterView(r: Record<string, any>, registries: Registries, lang: 'ru' | 'en'): MeterView {
  const type = registries.deviceTypes.get(r.device_type_id);
  const errorCode = r.last_error_code || null;
  return {
    id: r.id,
    serial: r.serial,
    deviceTypeId: r.device_type_id,
    deviceTypeLabel: type?.label[lang] ?? r.device_type_id,
    kind: type?.kind ?? null,
    premiseId: r.premise_id,
    premiseNumber: r.premise_number ?? null,
    buildingId: r.building_id ?? null,
    buildingName: r.building_name ?? null,
    installedOn: r.installed_on,
    decommissionedOn: r.decommissioned_on,
    waterMedium: r.water_medium,
    address: r.address,
    notes: r.notes,
    radiatorId: r.radiator_id ?? null,
    radiatorModel: r.radiator_model ?? null,
    radiatorCoefficient: r.radiator_coefficient ?? null,
    state: r.state,
    lastReading: r.last_day
      ? { date: r.last_day, takenAt: r.last_taken_at, value: r.last_value, unit: r.last_unit, errorCode }
      : null,
    errorCode,
    errorDate: errorCode ? (r.error_date ?? r.last_day) : null,
    errorDescription: errorCode ? (type?.errorCodes?.[errorCode]?.[lang] ?? null) : null,
  };
}
