import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import copyStreams from 'pg-copy-streams';
import type { ReadBatch, ReadProblem } from '../../plugin-api/reader-driver.js';
import { ensureReadingPartitions } from './reading-partitions.js';
import { PROBLEM_FIELDS, type StoreOptions, type StoreResult } from './store-readings.js';

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const LISTED = 1000;

function shiftDay(day: string, by: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + by);
  return d.toISOString().slice(0, 10);
}

function shiftMonth(month: string): string {
  return new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 1)).toISOString().slice(0, 10);
}

/** A random start for the row counter of time-ordered ids (58 bits: room for any file). */
function randomCounterStart(): string {
  return (randomBytes(8).readBigUInt64BE() >> 6n).toString();
}

const NEEDS_QUOTES = /[",\n\r]/;

function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return s === '' || NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** How a reading's time is given: a day ('YYYY-MM-DD'), the building's wall clock, or an instant. */
function timeKind(taken: string): 'day' | 'local' | 'abs' {
  if (taken.length === 10 && DAY_ONLY.test(taken)) return 'day';
  return WALL_CLOCK.test(taken) ? 'local' : 'abs';
}

const MESSAGES: Record<string, (r: Record<string, any>) => string> = {
  'unknown-meter': (r) => `Прибор с серийным номером ${r.serial} не найден в реестре`,
  'after-decommission': (r) => `Прибор ${r.serial} выведен из эксплуатации ${r.decommissioned_on}: показание за ${r.day} не принято`,
  'before-install': (r) => `Прибор ${r.serial} установлен ${r.installed_on}: показание за ${r.day} не принято`,
  'other-building': (r) => `Прибор ${r.serial} не относится к этому объекту`,
  'value-decreased': (r) => `Показание ${r.value} за ${r.day} меньше предыдущего (${r.prev_value})`,
  'conflicting-value': (r) => `За ${r.day} уже сохранено показание ${r.twin_value ?? '(без значения)'}, в файле ${r.value ?? '(без значения)'}`,
};

/** Rows of readings in the staging table's COPY format (CSV), with what the store needs to know of them. */
export interface CopyChunk {
  text: string;
  rows: number;
  /** The first and last day as written in the rows (instants may shift a day in the building's zone). */
  firstDay: string;
  lastDay: string;
  /** The first problems of the batch (parse errors), and how many there were. */
  problems: ReadProblem[];
  problemCount: number;
}

/** A batch of readings as a COPY chunk. */
export function toCopyChunk(b: ReadBatch): CopyChunk {
  let text = '';
  let firstDay = '9999-12-31';
  let lastDay = '0000-01-01';
  for (const r of b.readings) {
    const taken = typeof r.takenAt === 'string' ? r.takenAt : r.takenAt.toISOString();
    const day = taken.slice(0, 10);
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
    const value = Object.values(r.values)[0];
    text += `${r.line ?? ''},${csvField(r.meterSerial)},${csvField(taken)},${timeKind(taken)},${csvField(value === '' ? null : (value as string))},${csvField(r.unit)},${csvField(r.errorCode)},${csvField(r.sourceKey)}\n`;
  }
  return { text, rows: b.readings.length, firstDay, lastDay, problems: b.problems, problemCount: b.problems.length };
}

export async function* copyChunks(batches: AsyncIterable<ReadBatch>): AsyncGenerator<CopyChunk> {
  for await (const b of batches) yield toCopyChunk(b);
}

/**
 * The bulk form of the readings store for PostgreSQL: the rows are COPYed into a temporary
 * staging table and checked and inserted by a few set-based statements, with the same rules
 * as `storeReadings` (meter installed on the day, its building, values not below the
 * previous reading — for a meter's first row in the file, the last stored one — and a twin
 * at the same instant being "already there" or a conflict). Runs in the caller's transaction.
 */
export async function bulkStoreReadings(
  trx: Knex.Transaction,
  root: Knex,
  chunks: AsyncIterable<CopyChunk>,
  file: string,
  opts: StoreOptions,
): Promise<StoreResult & { problemCount: number }> {
  await trx.raw(`create temp table import_staging (line int, serial text, taken text, kind text, value numeric, unit text, error_code text, source_key text) on commit drop`);
  const problems: ReadProblem[] = [];
  let problemCount = 0;
  let rows = 0;
  let firstDay = '9999-12-31';
  let lastDay = '0000-01-01';
  const client = await (trx as unknown as { client: { acquireConnection(): Promise<{ query(s: unknown): NodeJS.WritableStream }> } }).client.acquireConnection();
  const copy = client.query(copyStreams.from(`copy import_staging from stdin with (format csv)`));
  async function* lines() {
    for await (const c of chunks) {
      problemCount += c.problemCount;
      if (opts.onProblem) for (const p of c.problems) opts.onProblem(p);
      if (problems.length < LISTED) problems.push(...c.problems.slice(0, LISTED - problems.length));
      rows += c.rows;
      if (c.rows && c.firstDay < firstDay) firstDay = c.firstDay;
      if (c.rows && c.lastDay > lastDay) lastDay = c.lastDay;
      yield c.text;
    }
  }
  await pipeline(Readable.from(lines()), copy);

  if (!rows) return { readings: 0, stored: 0, duplicates: 0, problems, problemCount };
  // Every month from the first day to the last (±1 day for time zones) gets its partition.
  const first = shiftDay(firstDay, -1);
  const last = shiftDay(lastDay, 1);
  const months: string[] = [];
  for (let m = `${first.slice(0, 7)}-01`; m <= last; m = shiftMonth(m)) months.push(m);
  await ensureReadingPartitions(root, months);

  // Sorts of a million rows stay in memory; the statements are too short to gain from JIT.
  await trx.raw(`set local work_mem = '256MB'`);
  await trx.raw('set local jit = off');

  // The file's serials and their meters (usually one each) with each meter's last value
  // stored before the file's days, and the readings already stored for those meters on the
  // file's days: small tables, analyzed, so the checks below are planned on true sizes.
  await trx.raw(
    `create temp table import_meters on commit drop as
     select f.serial, m.id as meter_id, m.installed_on, m.decommissioned_on, p.building_id,
            coalesce(b.time_zone, 'Europe/Moscow') as tz, count(*) over (partition by f.serial) as candidates,
            dense_rank() over (order by f.serial) as serial_no,
            (select q->>'unit' from device_types dt, jsonb_array_elements(dt.quantities) q
              where dt.id = m.device_type_id and q->>'key' = dt.primary_quantity limit 1) as type_unit,
            (select x.value from readings x where x.meter_id = m.id and x.day < ?::date and x.value is not null
              order by x.day desc, x.taken_at desc limit 1) as value_before
     from (select distinct serial from import_staging) f
     join meters m on m.serial = f.serial
     left join premises p on p.id = m.premise_id
     left join buildings b on b.id = p.building_id`,
    [first],
  );
  await trx.raw('analyze import_meters');
  const existing = await trx.raw(
    `create temp table import_existing on commit drop as
     select x.meter_id, x.day, x.taken_at, x.value, x.source_key
     from readings x join import_meters mf on mf.meter_id = x.meter_id
     where x.day between ?::date and ?::date`,
    [first, last],
  );
  const overlap = (existing.rowCount ?? 0) > 0;
  if (overlap) await trx.raw('analyze import_existing');

  // One pass over the staged rows: each row's meter, instant and day in the building's time
  // zone, why it is refused (if it is), its twin (a reading of the meter at the same instant,
  // stored, or the row before it in the file), the highest value of the meter in the file up
  // to this row (readings already stored left out), and the stored reading before its day —
  // the meter's last before the file's days, or, when stored readings fall among those days,
  // looked up row by row. The rows come out in serial and time order, the order
  // the insert below writes them in. (A file of new days — the usual case — skips the joins
  // with stored readings.)
  const building = opts.buildingId ?? null;
  const storedJoin = overlap
    ? `tw.value as db_twin_value, tw.day is not null as db_twin,
       s.meter_id in (select meter_id from import_existing) as overlaps,
       (s.source_key, s.day) in (select source_key, day from import_existing) as key_stored
       from s left join (select distinct on (meter_id, day, taken_at) * from import_existing order by meter_id, day, taken_at, source_key) tw
         on s.refused is null and tw.meter_id = s.meter_id and tw.day = s.day and tw.taken_at = s.taken_at`
    : `null::numeric as db_twin_value, false as db_twin, false as overlaps, false as key_stored from s`;
  await trx.raw(
    `create temp table import_checked on commit drop as
     with t as (
       select s.line, s.serial, mf.serial_no, s.value, s.unit, s.error_code, s.source_key, mf.meter_id, mf.installed_on, mf.decommissioned_on,
              mf.building_id, mf.type_unit, mf.value_before, a.taken_at, d.day,
              mf.meter_id is not null and (mf.installed_on is null or mf.installed_on <= d.day)
                and (mf.decommissioned_on is null or d.day <= mf.decommissioned_on) as in_window
       from import_staging s
       left join import_meters mf on mf.serial = s.serial
       cross join lateral (select case s.kind when 'abs' then s.taken::timestamptz
                                              when 'local' then s.taken::timestamp at time zone coalesce(mf.tz, 'Europe/Moscow')
                                              else s.taken::date::timestamp at time zone coalesce(mf.tz, 'Europe/Moscow') end as taken_at) a
       cross join lateral (select case s.kind when 'day' then s.taken::date
                                              else (a.taken_at at time zone coalesce(mf.tz, 'Europe/Moscow'))::date end as day) d
       -- A serial shared by a decommissioned meter and its successor: the one installed on the day.
       where coalesce(mf.candidates, 1) = 1 or mf.meter_id = (
         select c.meter_id from import_meters c where c.serial = s.serial
         order by (c.installed_on is null or c.installed_on <= d.day) and (c.decommissioned_on is null or d.day <= c.decommissioned_on) desc,
                  c.decommissioned_on desc nulls first
         limit 1)
     ), s as (
       select t.*, case when t.meter_id is null then 'unknown-meter'
                        when not t.in_window and t.decommissioned_on is not null and t.day > t.decommissioned_on then 'after-decommission'
                        when not t.in_window then 'before-install'
                        when ?::uuid is not null and t.building_id is distinct from ?::uuid then 'other-building' end as refused
       from t
     ), j as (
       select s.*, s.refused is null as ok, ${storedJoin}
     ), k as (
       -- One window: a meter's rows in time order (all refused or all not, but for those
       -- outside the meter's installation, which the filters leave out). With the current row
       -- in the running maximum, "lower than the maximum" is "lower than an earlier value".
       select j.*, j.db_twin or coalesce(lag(j.taken_at) over w = j.taken_at, false) as has_twin,
              case when j.db_twin then j.db_twin_value else lag(j.value) over w end as twin_value,
              max(j.value) filter (where j.ok and not j.db_twin) over w as file_max
       from j window w as (partition by j.serial_no, j.meter_id order by j.taken_at, j.line)
     )
     select k.*, greatest(k.file_max, case when not k.overlaps then k.value_before when k.ok and not k.has_twin then
              (select x.value from readings x where x.meter_id = k.meter_id and x.day <= k.day and x.taken_at < k.taken_at and x.value is not null
                order by x.day desc, x.taken_at desc limit 1) end) as prev_value
     from k`,
    [building, building],
  );

  const bad = await trx.raw(
    `select line, serial, coalesce(refused, case when has_twin then 'conflicting-value' else 'value-decreased' end) as code,
            day, value, prev_value, twin_value, installed_on, decommissioned_on
     from import_checked
     where refused is not null or (has_twin and twin_value is distinct from value) or (not has_twin and value < prev_value)
     order by line`,
  );
  problemCount += bad.rows.length;
  for (const r of bad.rows) {
    const p: ReadProblem = { code: r.code, message: MESSAGES[r.code]!(r), meterSerial: r.serial, file, line: r.line, field: PROBLEM_FIELDS[r.code] };
    opts.onProblem?.(p);
    if (problems.length < LISTED) problems.push(p);
  }

  const counts = await trx.raw(
    `select count(*) filter (where has_twin and twin_value is not distinct from value)::int as twins,
            count(*) filter (where not has_twin and not coalesce(value < prev_value, false))::int as eligible
     from import_checked where ok`,
  );
  // Ids are time-ordered (UUID version 7 layout: this moment, then a random start counted up
  // row by row), so with the rows in serial and time order every index of \`readings\` grows at
  // its end. Source keys already stored were found above; one stored meanwhile by another
  // writer makes the plain insert fail, and the insert is then redone skipping such keys.
  const insert = (onConflict: string) =>
    trx.raw(
      `insert into readings (id, meter_id, taken_at, day, value, unit, error_code, source, source_key, import_id, created_by)
       select (? || '7' || substr(c.hex, 1, 3) || '8' || substr(c.hex, 4, 15))::uuid,
              meter_id, taken_at, day, value, coalesce(unit, type_unit), nullif(error_code, ''), ?, source_key, ?, ?
       from (select r.*, lpad(to_hex(?::bigint + row_number() over ()), 18, '0') as hex
             from import_checked r
             where ok and not has_twin and not key_stored and not coalesce(value < prev_value, false)) c
       ${onConflict}`,
      [Date.now().toString(16).padStart(12, '0'), opts.source, opts.importId ?? null, opts.createdBy ?? null, randomCounterStart()],
    );
  await trx.raw('savepoint bulk_insert');
  let inserted;
  try {
    inserted = await insert('');
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await trx.raw('rollback to savepoint bulk_insert');
    inserted = await insert('on conflict (source_key, day) do nothing');
  }
  const stored = inserted.rowCount ?? 0;
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { readings: rows, stored, duplicates: counts.rows[0].eligible - stored + counts.rows[0].twins, problems, problemCount };
}
