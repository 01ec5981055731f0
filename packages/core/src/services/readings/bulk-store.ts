import type { Knex } from 'knex';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import copyStreams from 'pg-copy-streams';
import type { ReadBatch, ReadProblem } from '../../plugin-api/reader-driver.js';
import { ensureReadingPartitions } from './reading-partitions.js';
import type { StoreOptions, StoreResult } from './store-readings.js';

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const LISTED = 1000;

function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

const MESSAGES: Record<string, (r: Record<string, any>) => string> = {
  'unknown-meter': (r) => `Прибор с серийным номером ${r.serial} не найден в реестре`,
  'after-decommission': (r) => `Прибор ${r.serial} выведен из эксплуатации ${r.decommissioned_on}: показание за ${r.day} не принято`,
  'before-install': (r) => `Прибор ${r.serial} установлен ${r.installed_on}: показание за ${r.day} не принято`,
  'other-building': (r) => `Прибор ${r.serial} не относится к этому объекту`,
  'value-decreased': (r) => `Показание ${r.value} за ${r.day} меньше предыдущего (${r.prev_value})`,
  'conflicting-value': (r) => `За ${r.day} уже сохранено показание ${r.twin_value ?? '(без значения)'}, в файле ${r.value ?? '(без значения)'}`,
};

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
  batches: AsyncIterable<ReadBatch>,
  file: string,
  opts: StoreOptions,
): Promise<StoreResult & { problemCount: number }> {
  await trx.raw(`create temp table import_staging (line int, serial text, taken text, kind text, value numeric, unit text, error_code text, source_key text) on commit drop`);
  const problems: ReadProblem[] = [];
  let problemCount = 0;
  let rows = 0;
  const client = await (trx as unknown as { client: { acquireConnection(): Promise<{ query(s: unknown): NodeJS.WritableStream }> } }).client.acquireConnection();
  const copy = client.query(copyStreams.from(`copy import_staging from stdin with (format csv)`));
  async function* lines() {
    for await (const b of batches) {
      problemCount += b.problems.length;
      if (problems.length < LISTED) problems.push(...b.problems.slice(0, LISTED - problems.length));
      let chunk = '';
      for (const r of b.readings) {
        const taken = String(r.takenAt);
        const kind = DAY_ONLY.test(taken) ? 'day' : WALL_CLOCK.test(taken) ? 'local' : 'abs';
        const value = Object.values(r.values)[0];
        chunk += `${r.line ?? ''},${csvField(r.meterSerial)},${csvField(typeof r.takenAt === 'string' ? r.takenAt : r.takenAt.toISOString())},${kind},${csvField(value as string)},${csvField(r.unit)},${csvField(r.errorCode)},${csvField(r.sourceKey)}\n`;
        rows++;
      }
      yield chunk;
    }
  }
  await pipeline(Readable.from(lines()), copy);

  // Every month from the first day to the last (±1 day for time zones) gets its partition.
  const range = await trx.raw(`select min(left(taken, 10))::date - 1 as first, max(left(taken, 10))::date + 1 as last from import_staging`);
  const { first, last } = range.rows[0] as { first: string | null; last: string | null };
  const months: string[] = [];
  if (first && last) {
    for (let m = `${first.slice(0, 7)}-01`; m <= last; m = new Date(Date.UTC(+m.slice(0, 4), +m.slice(5, 7), 1)).toISOString().slice(0, 10)) months.push(m);
  }
  await ensureReadingPartitions(root, months);

  await trx.raw(`
    create temp table import_resolved on commit drop as
    with c as (
      select s.*, m.id as meter_id, m.installed_on, m.decommissioned_on, p.building_id, coalesce(b.time_zone, 'Europe/Moscow') as tz,
             (select q->>'unit' from device_types dt, jsonb_array_elements(dt.quantities) q
               where dt.id = m.device_type_id and q->>'key' = dt.primary_quantity limit 1) as type_unit
      from import_staging s
      left join meters m on m.serial = s.serial
      left join premises p on p.id = m.premise_id
      left join buildings b on b.id = p.building_id
    ), t as (
      select c.*, case c.kind when 'abs' then c.taken::timestamptz
                              when 'local' then c.taken::timestamp at time zone c.tz
                              else (c.taken::date)::timestamp at time zone c.tz end as taken_at
      from c
    ), d as (
      select t.*, case t.kind when 'day' then t.taken::date else (t.taken_at at time zone t.tz)::date end as day,
             t.meter_id is not null and (t.installed_on is null or t.installed_on <= case t.kind when 'day' then t.taken::date else (t.taken_at at time zone t.tz)::date end)
               and (t.decommissioned_on is null or case t.kind when 'day' then t.taken::date else (t.taken_at at time zone t.tz)::date end <= t.decommissioned_on) as in_window
      from t
    )
    select distinct on (line) * from d order by line, in_window desc, decommissioned_on desc nulls first`);

  await trx.raw(
    `create temp table import_checked on commit drop as
     with ok as (
       select r.*, lag(r.value) over w as file_prev, row_number() over w as rn
       from import_resolved r
       where r.in_window and (?::uuid is null or r.building_id = ?::uuid)
       window w as (partition by r.meter_id order by r.taken_at, r.line)
     )
     select ok.*, coalesce(ok.file_prev, db.value) as prev_value, twin.value as twin_value, twin.day is not null as has_twin
     from ok
     left join lateral (select x.value from readings x where ok.rn = 1 and x.meter_id = ok.meter_id and x.day < ok.day and x.value is not null
                        order by x.day desc, x.taken_at desc limit 1) db on true
     left join lateral (select x.value, x.day from readings x where x.meter_id = ok.meter_id and x.day = ok.day and x.taken_at = ok.taken_at limit 1) twin on true`,
    [opts.buildingId ?? null, opts.buildingId ?? null],
  );

  const bad = await trx.raw(
    `select line, serial, code, day, value, prev_value, twin_value, installed_on, decommissioned_on from (
       select r.line, r.serial, r.day, r.value, null::numeric as prev_value, null::numeric as twin_value, r.installed_on, r.decommissioned_on,
              case when r.meter_id is null then 'unknown-meter'
                   when not r.in_window and r.decommissioned_on is not null and r.day > r.decommissioned_on then 'after-decommission'
                   when not r.in_window then 'before-install'
                   else 'other-building' end as code
       from import_resolved r where not r.in_window or (?::uuid is not null and r.building_id is distinct from ?::uuid)
       union all
       select c.line, c.serial, c.day, c.value, c.prev_value, c.twin_value, null, null,
              case when c.has_twin then 'conflicting-value' else 'value-decreased' end
       from import_checked c
       where (c.has_twin and c.twin_value is distinct from c.value) or (not c.has_twin and c.value < c.prev_value)
     ) p order by line`,
    [opts.buildingId ?? null, opts.buildingId ?? null],
  );
  problemCount += bad.rows.length;
  for (const r of bad.rows.slice(0, Math.max(0, LISTED - problems.length))) {
    problems.push({ code: r.code, message: MESSAGES[r.code]!(r), meterSerial: r.serial, file, line: r.line });
  }

  const twins = await trx.raw(`select count(*)::int as n from import_checked where has_twin and twin_value is not distinct from value`);
  const inserted = await trx.raw(
    `insert into readings (meter_id, taken_at, day, value, unit, error_code, source, source_key, import_id, created_by)
     select meter_id, taken_at, day, value, coalesce(unit, type_unit), nullif(error_code, ''), ?, source_key, ?, ?
     from import_checked
     where not has_twin and not coalesce(value < prev_value, false)
     on conflict (source_key, day) do nothing`,
    [opts.source, opts.importId ?? null, opts.createdBy ?? null],
  );
  const eligible = await trx.raw(`select count(*)::int as n from import_checked where not has_twin and not coalesce(value < prev_value, false)`);
  const stored = inserted.rowCount ?? 0;
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { readings: rows, stored, duplicates: eligible.rows[0].n - stored + twins.rows[0].n, problems, problemCount };
}
