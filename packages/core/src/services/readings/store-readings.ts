import type { Knex } from 'knex';
import { Decimal } from 'decimal.js';
import type { Registries } from '../../loader/registries.js';
import type { RawReading, ReadBatch, ReadProblem } from '../../plugin-api/reader-driver.js';
import { localDay, zonedLocal, zonedMidnight } from './local-day.js';

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

export type ReadingSource = 'manual' | 'file' | 'poll' | 'push' | 'legacy' | 'demo';

export interface StoreOptions {
  source: ReadingSource;
  pollRunId?: string | null;
  importId?: string | null;
  createdBy?: string | null;
  /** When set, meters of other buildings are problems (an import on a building card). */
  buildingId?: string | null;
  /** Called with every problem as it is found (the result lists the first thousand of a bulk file). */
  onProblem?: (p: ReadProblem) => void;
}

export interface StoreResult {
  /** Readings in the batches. */
  readings: number;
  /** Newly stored. */
  stored: number;
  /** Already there (the same source key): nothing stored. */
  duplicates: number;
  /** Readings refused, with the reason; never stored silently. */
  problems: ReadProblem[];
}

const DEFAULT_TIME_ZONE = 'Europe/Moscow';
const CHUNK = 5000;

interface MeterCandidate {
  id: string;
  serial: string;
  deviceTypeId: string;
  installedOn: string | null;
  decommissionedOn: string | null;
  buildingId: string | null;
  timeZone: string;
}

interface Accepted {
  meterId: string;
  day: string;
  takenAt: Date;
  value: string | null;
  unit: string | null;
  values: Record<string, string | number> | null;
  errorCode: string | null;
  sourceKey: string;
  raw: string | null;
  reading: RawReading;
}

/** The field of a reading each of the store's refusals is about. */
export const PROBLEM_FIELDS: Record<string, string> = {
  'unknown-meter': 'serial',
  'other-building': 'serial',
  'after-decommission': 'date',
  'before-install': 'date',
  'bad-time': 'date',
  'value-decreased': 'value',
  'conflicting-value': 'value',
};

function problem(r: RawReading, code: string, message: string): ReadProblem {
  return { code, message, meterSerial: r.meterSerial, ...(r.file ? { file: r.file } : {}), ...(r.line ? { line: r.line } : {}), ...(PROBLEM_FIELDS[code] ? { field: PROBLEM_FIELDS[code] } : {}) };
}

/**
 * Stores readings inside the caller's transaction (with the frame each was decoded from, `raw`,
 * when the driver kept it): resolves serials to the meter installed on
 * the reading's day, refuses unknown serials, readings outside a meter's installation window,
 * meters of another building and values lower than the previous reading (each a problem,
 * never stored), and inserts the rest once: a source key already stored is a duplicate.
 * Partitions must exist for the readings' months (ensureReadingPartitions, before the transaction).
 */
export async function storeReadings(trx: Knex.Transaction, registries: Registries, batches: ReadBatch[], opts: StoreOptions): Promise<StoreResult> {
  const all = batches.flatMap((b) => b.readings);
  const problems: ReadProblem[] = batches.flatMap((b) => b.problems);
  const result: StoreResult = { readings: all.length, stored: 0, duplicates: 0, problems };
  if (!all.length) return result;

  const serials = [...new Set(all.map((r) => r.meterSerial))];
  const candidates = new Map<string, MeterCandidate[]>();
  for (let i = 0; i < serials.length; i += CHUNK) {
    const rows = await trx('meters as m')
      .leftJoin('premises as p', 'p.id', 'm.premise_id')
      .leftJoin('buildings as b', 'b.id', 'p.building_id')
      .whereRaw('m.serial = any(?::text[])', [serials.slice(i, i + CHUNK)])
      .select('m.id', 'm.serial', 'm.device_type_id', 'm.installed_on', 'm.decommissioned_on', 'p.building_id', 'b.time_zone');
    for (const r of rows) {
      const list = candidates.get(r.serial) ?? [];
      list.push({ id: r.id, serial: r.serial, deviceTypeId: r.device_type_id, installedOn: r.installed_on, decommissionedOn: r.decommissioned_on, buildingId: r.building_id, timeZone: r.time_zone ?? DEFAULT_TIME_ZONE });
      candidates.set(r.serial, list);
    }
  }

  const accepted: Accepted[] = [];
  for (const r of all) {
    const list = candidates.get(r.meterSerial);
    if (!list?.length) {
      problems.push(problem(r, 'unknown-meter', `Прибор с серийным номером ${r.meterSerial} не найден в реестре`));
      continue;
    }
    // A date without a time is the reading of that day: 00:00 in the building's time zone (F18).
    // A time without an offset is the building's wall clock.
    const dayOnly = typeof r.takenAt === 'string' && DAY_ONLY.test(r.takenAt);
    const wallClock = typeof r.takenAt === 'string' && WALL_CLOCK.test(r.takenAt);
    const takenAt = dayOnly
      ? zonedMidnight(r.takenAt as string, list[0]!.timeZone)
      : wallClock
        ? zonedLocal(r.takenAt as string, list[0]!.timeZone)
        : new Date(r.takenAt);
    if (Number.isNaN(takenAt.getTime())) {
      problems.push(problem(r, 'bad-time', `Неверное время показания: ${String(r.takenAt)}`));
      continue;
    }
    const day = dayOnly ? (r.takenAt as string) : localDay(takenAt, list[0]!.timeZone);
    const meter = list.find((m) => (!m.installedOn || m.installedOn <= day) && (!m.decommissionedOn || day <= m.decommissionedOn));
    if (!meter) {
      const last = list.reduce((a, b) => ((a.decommissionedOn ?? '9999') > (b.decommissionedOn ?? '9999') ? a : b));
      problems.push(
        last.decommissionedOn && day > last.decommissionedOn
          ? problem(r, 'after-decommission', `Прибор ${r.meterSerial} выведен из эксплуатации ${last.decommissionedOn}: показание за ${day} не принято`)
          : problem(r, 'before-install', `Прибор ${r.meterSerial} установлен ${list.map((m) => m.installedOn).filter(Boolean).sort()[0]}: показание за ${day} не принято`),
      );
      continue;
    }
    if (opts.buildingId && meter.buildingId !== opts.buildingId) {
      problems.push(problem(r, 'other-building', `Прибор ${r.meterSerial} не относится к этому объекту`));
      continue;
    }
    const type = registries.deviceTypes.get(meter.deviceTypeId);
    const primary = type?.primaryQuantity;
    const raw = primary && r.values[primary] !== undefined ? r.values[primary] : Object.values(r.values)[0];
    const value = raw === undefined || raw === null || raw === '' ? null : String(raw);
    const others = Object.keys(r.values).filter((k) => k !== primary);
    accepted.push({
      meterId: meter.id,
      day,
      takenAt,
      value,
      unit: r.unit ?? type?.quantities.find((q) => q.key === primary)?.unit ?? null,
      values: others.length ? r.values : null,
      errorCode: r.errorCode || null,
      sourceKey: r.sourceKey,
      raw: typeof r.raw === 'string' && r.raw !== '' ? r.raw : null,
      reading: r,
    });
  }

  // A value lower than the stored reading before it (an earlier day, or earlier the same day), or than an earlier value of the same
  // meter in these batches, is refused (the rule of bulkStoreReadings too); a reading of the
  // meter at the same instant as a stored one, or as the row before it, is "already there"
  // when the values agree and a conflict when they do not.
  const previous = new Map<number, { day: string; value: string } | undefined>();
  const same = new Map<number, string | null>();
  for (let i = 0; i < accepted.length; i += CHUNK) {
    const chunk = accepted.slice(i, i + CHUNK).map((a, j) => ({ i: i + j, meter_id: a.meterId, day: a.day, taken_at: a.takenAt.toISOString() }));
    const rows = await trx.raw(
      `select x.i, prev.day, prev.value, twin.value as twin_value, twin.day is not null as has_twin
       from jsonb_to_recordset(?::jsonb) as x(i int, meter_id uuid, day date, taken_at timestamptz)
       left join lateral (select r.day, r.value from readings r where r.meter_id = x.meter_id and r.day <= x.day and r.taken_at < x.taken_at and r.value is not null
                          order by r.day desc, r.taken_at desc limit 1) prev on true
       left join lateral (select r.day, r.value from readings r where r.meter_id = x.meter_id and r.day = x.day and r.taken_at = x.taken_at
                          order by r.source_key limit 1) twin on true`,
      [JSON.stringify(chunk)],
    );
    for (const row of rows.rows) {
      previous.set(row.i, row.day ? { day: row.day, value: row.value } : undefined);
      if (row.has_twin) same.set(row.i, row.twin_value);
    }
  }
  const order = accepted.map((a, i) => ({ a, i })).sort((x, y) => (x.a.meterId < y.a.meterId ? -1 : x.a.meterId > y.a.meterId ? 1 : x.a.takenAt.getTime() - y.a.takenAt.getTime()));
  const keep = new Set<number>();
  let lastMeter = '';
  let fileMax: Decimal | undefined;
  let previousRow: { at: number; value: string | null } | undefined;
  let twins = 0;
  for (const { a, i } of order) {
    if (a.meterId !== lastMeter) {
      lastMeter = a.meterId;
      fileMax = undefined;
      previousRow = undefined;
    }
    const at = a.takenAt.getTime();
    const storedTwin = same.has(i);
    // A reading at the same instant as the one before it in these batches is its twin.
    if (!storedTwin && previousRow?.at === at) same.set(i, previousRow.value);
    previousRow = { at, value: a.value };
    // The highest value of the meter in these batches so far (readings already stored left out).
    if (!storedTwin && a.value !== null && (!fileMax || fileMax.lt(a.value))) fileMax = new Decimal(a.value);
    if (same.has(i)) {
      const stored = same.get(i);
      const equal = stored === null ? a.value === null : a.value !== null && new Decimal(stored!).eq(a.value);
      if (equal) twins++;
      else problems.push(problem(a.reading, 'conflicting-value', `За ${a.day} уже сохранено показание ${stored ?? '(без значения)'}, в файле ${a.value ?? '(без значения)'}`));
      continue;
    }
    const stored = previous.get(i);
    const before = stored && (!fileMax || fileMax.lt(stored.value)) ? new Decimal(stored.value) : fileMax;
    if (a.value !== null && before && new Decimal(a.value).lt(before)) {
      problems.push(problem(a.reading, 'value-decreased', `Показание ${a.value} за ${a.day} меньше предыдущего (${before.toString()})`));
      continue;
    }
    keep.add(i);
  }

  const toInsert = accepted.filter((_, i) => keep.has(i));
  for (let i = 0; i < toInsert.length; i += CHUNK) {
    const rows = toInsert.slice(i, i + CHUNK).map((a) => ({
      meter_id: a.meterId,
      taken_at: a.takenAt.toISOString(),
      day: a.day,
      value: a.value,
      unit: a.unit,
      values: a.values,
      error_code: a.errorCode,
      source_key: a.sourceKey,
      raw: a.raw,
    }));
    const inserted = await trx.raw(
      `insert into readings (meter_id, taken_at, day, value, unit, "values", error_code, source, source_key, raw, poll_run_id, import_id, created_by)
       select x.meter_id, x.taken_at, x.day, x.value, x.unit, x."values", x.error_code, ?, x.source_key, x.raw, ?, ?, ?
       from jsonb_to_recordset(?::jsonb) as x(meter_id uuid, taken_at timestamptz, day date, value numeric, unit text, "values" jsonb, error_code text, source_key text, raw text)
       on conflict (source_key, day) do nothing
       returning 1`,
      [opts.source, opts.pollRunId ?? null, opts.importId ?? null, opts.createdBy ?? null, JSON.stringify(rows)],
    );
    result.stored += inserted.rowCount ?? inserted.rows.length;
  }
  result.duplicates = toInsert.length - result.stored + twins;
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (opts.onProblem) for (const p of problems) opts.onProblem(p);
  return result;
}

/** The months the readings can fall in, whatever the building's time zone (±1 day around the instant). */
export function candidateDays(batches: ReadBatch[]): string[] {
  const days = new Set<string>();
  for (const b of batches) {
    for (const r of b.readings) {
      const t = new Date(r.takenAt).getTime();
      if (Number.isNaN(t)) continue;
      for (const d of [-86_400_000, 0, 86_400_000]) days.add(new Date(t + d).toISOString().slice(0, 10));
    }
  }
  return [...days];
}

/** «N новых, M уже были» (and the problems). */
export function describeStore(r: StoreResult): string {
  return `${r.stored} новых, ${r.duplicates} уже были${r.problems.length ? `, ${r.problems.length} с ошибками` : ''}`;
}
