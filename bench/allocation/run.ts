/**
 * bench/allocation: the allocators report on a generated building of 1,000 premises × 6
 * allocators with daily readings for 2024 — the engine alone, and the whole report (load +
 * engine + xlsx) against the bare SQL that fetches the same rows (target ≤ 3×); then 200
 * buildings of 100 premises, time per building against a batch of 10 (target ≤ 1.2×).
 * Data go once into the database `openamr_bench_allocation` (`--regenerate` redoes them).
 */
import 'reflect-metadata';
import pg from 'pg';
import type { Knex } from 'knex';
import { openDatabase } from '../../packages/core/src/db/database.js';
import { migrateLatest } from '../../packages/core/src/db/migrations.js';
import { createReportDataSource } from '../../packages/core/src/services/report-data-source.js';
import { createReportContext } from '../../packages/core/src/testing/contexts.js';
import { HeatCostReport, allocate, buildAllocationInput } from '../../packages/report-allocators/src/index.js';
import { benchDatabase, report, time } from '../lib.js';

const BIG = 'Бенч: 1000 помещений';
const BATCH = 200;

async function generate(db: Knex) {
  const t0 = Date.now();
  const log = (what: string) => console.error(`  ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  await db.raw('truncate readings, meter_radiators, meters, premises, norms, building_heat_readings, radiators, buildings cascade');
  await db('device_types').insert({ id: 'core.heat-cost-allocator', plugin_id: 'core', kind: 'heat-cost-allocator', label: '{}', quantities: JSON.stringify([{ key: 'heatUnits', unit: 'units' }]), primary_quantity: 'heatUnits' }).onConflict('id').merge();
  await db.raw(`insert into radiators (model, coefficient) select 'R-' || g, 0.5 + g / 10.0 from generate_series(1, 10) g`);
  await db.raw(`insert into buildings (name, address) values (?, 'ул. Большая, 1')`, [BIG]);
  await db.raw(`insert into buildings (name, address) select 'Бенч-пакет ' || lpad(g::text, 3, '0'), 'ул. Пакетная, ' || g from generate_series(1, ${BATCH}) g`);
  await db.raw(`insert into premises (building_id, number, area, kind)
    select b.id, 'Кв.' || g, 30 + g % 70, case when g % 40 = 0 then 'non-residential' else 'residential' end
    from buildings b cross join generate_series(1, case when b.name = ? then 1000 else 100 end) g`, [BIG]);
  await db.raw(`insert into meters (serial, device_type_id, premise_id, installed_on)
    select 'H' || lpad((row_number() over ())::text, 8, '0'), 'core.heat-cost-allocator', p.id, '2023-06-01'
    from premises p cross join generate_series(1, 6) g`);
  await db.raw(`insert into meter_radiators (meter_id, radiator_id, valid_from)
    select m.id, (select id from radiators order by model offset (abs(hashtext(m.serial)) % 10) limit 1), '2023-06-01' from meters m`);
  log('registry');
  for (let month = 1; month <= 12; month++) {
    const from = `2024-${String(month).padStart(2, '0')}-01`;
    const to = month === 12 ? '2025-01-01' : `2024-${String(month + 1).padStart(2, '0')}-01`;
    await db.raw(`create table if not exists readings_2024_${String(month).padStart(2, '0')} partition of readings for values from ('${from}') to ('${to}')`);
  }
  await db.raw(`create table if not exists readings_2025_01 partition of readings for values from ('2025-01-01') to ('2025-02-01')`);
  // The big building: a reading every day of 2024 (and 2025-01-01); every 50th meter silent in March, every 97th in error in May.
  await db.raw(`insert into readings (meter_id, taken_at, day, value, unit, error_code, source, source_key)
    select m.id, d - interval '3 hours', d::date, (extract(doy from d) * (3 + abs(hashtext(m.serial)) % 7))::int, 'units',
           case when abs(hashtext(m.serial)) % 97 = 0 and d between '2024-05-10' and '2024-05-12' then 'E1' end, 'bench', 'bench:' || m.serial || ':' || d::date
    from meters m join premises p on p.id = m.premise_id join buildings b on b.id = p.building_id
    cross join generate_series('2024-01-01'::timestamp, '2025-01-01', interval '1 day') d
    where b.name = ? and not (abs(hashtext(m.serial)) % 50 = 0 and d between '2024-03-01' and '2024-04-01')`, [BIG]);
  log('daily readings of the big building');
  // The batch buildings: a reading on the first of every month.
  await db.raw(`insert into readings (meter_id, taken_at, day, value, unit, source, source_key)
    select m.id, d - interval '3 hours', d::date, (extract(doy from d) * 5)::int, 'units', 'bench', 'bench:' || m.serial || ':' || d::date
    from meters m join premises p on p.id = m.premise_id join buildings b on b.id = p.building_id
    cross join generate_series('2024-01-01'::timestamp, '2025-01-01', interval '1 month') d
    where b.name <> ?`, [BIG]);
  log('monthly readings of the batch');
  await db.raw(`insert into building_heat_readings (building_id, day, value, unit)
    select b.id, d::date, 10000 + extract(doy from d) * case when b.name = ? then 100 else 10 end, 'Gcal'
    from buildings b cross join generate_series('2024-01-01'::timestamp, '2025-01-01', interval '1 day') d`, [BIG]);
  await db.raw(`insert into norms (building_id, kind, effective_from, value)
    select b.id, k, '2020-01-01', 0.02 from buildings b cross join unnest(array['residential', 'non-residential']) k`);
  await db.raw('vacuum analyze');
  log('heat readings, norms, vacuum');
}

/** The bare SQL that fetches what the report reads, as one hand-written query per kind of row. */
async function bareSql(c: pg.Client, buildingId: string, from: string, end: string) {
  const premises = await c.query('select id, number, kind, area from premises where building_id = $1', [buildingId]);
  const meters = await c.query(
    `select m.id, m.serial, m.premise_id, m.installed_on, m.decommissioned_on, dt.kind from meters m join premises p on p.id = m.premise_id
     left join device_types dt on dt.id = m.device_type_id where p.building_id = $1`,
    [buildingId],
  );
  const ids = meters.rows.map((m) => m.id);
  await c.query(`select mr.meter_id, r.model, r.coefficient, mr.valid_from, mr.valid_to from meter_radiators mr join radiators r on r.id = mr.radiator_id where mr.meter_id = any($1::uuid[])`, [ids]);
  await c.query(`select meter_id, day, taken_at, value, error_code from readings where meter_id = any($1::uuid[]) and day = any($2::date[])`, [ids, [from, end]]);
  await c.query(`select meter_id, day, error_code from readings where meter_id = any($1::uuid[]) and day between $2 and $3 and error_code is not null and error_code <> ''`, [ids, from, end]);
  await c.query(`select day, value, unit from building_heat_readings where building_id = $1 and day between $2 and $3`, [buildingId, from, end]);
  await c.query(`select kind, effective_from, value from norms where building_id = $1`, [buildingId]);
  return premises.rowCount;
}

async function main() {
  const url = await benchDatabase('openamr_bench_allocation');
  const database = await openDatabase({ url, dataDir: '/nonexistent' });
  await migrateLatest(database.knex);
  const [{ n }] = (await database.knex.raw('select count(*)::int n from readings')).rows;
  if (process.argv.includes('--regenerate') || n < 2_000_000) {
    console.error('generating the data set (once; a few minutes)…');
    await generate(database.knex);
  }
  const stats = (await database.knex.raw(`select (select count(*) from premises)::int p, (select count(*) from meters)::int m, (select count(*) from readings)::int r`)).rows[0];
  console.log(`data: ${stats.p} premises, ${stats.m} allocators, ${stats.r} readings`);

  const data = createReportDataSource(database.knex);
  const gen = new HeatCostReport();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const big = (await database.knex('buildings').where({ name: BIG }).first('id')).id as string;
  const params = { buildingId: big, from: '2024-03-01', to: '2024-03-31', format: 'xlsx' as const, byNorm: false, majority: true, manualHeatGcal: null };
  const { input } = await buildAllocationInput(data, params);
  const result = allocate(input) as { ok: boolean; premises: Array<{ method: string }> };
  console.log(`March 2024, big building: ok=${result.ok}, ${result.premises.filter((p) => p.method === 'allocators').length} allocator premises`);

  const engine = await time(async () => allocate(input), 10, 2);
  const { allocateValidated, validateAllocationInput } = await import('../../packages/report-allocators/src/index.js');
  const validated = validateAllocationInput(input);
  const engineOnly = await time(async () => allocateValidated(validated), 10, 2);
  const { writeAllocationWorkbook } = await import('../../packages/report-allocators/src/report/allocation-workbook.js');
  const built = await buildAllocationInput(data, params);
  const xlsx = await time(() => writeAllocationWorkbook(allocateValidated(validated) as never, built.context), 5, 1);
  const load = await time(() => buildAllocationInput(data, params), 10, 2);
  const whole = await time(() => gen.generate(params, createReportContext(data)), 10, 2);
  const sql = await time(() => bareSql(c, big, '2024-03-01', '2024-04-01'), 10, 2);
  console.log(`\nengine alone (1,000 premises × 6 allocators): ${engine.toFixed(1)} ms with the joi schema check, ${engineOnly.toFixed(1)} ms without`);
  console.log(`report parts: load ${load.toFixed(1)} ms, engine ${engineOnly.toFixed(1)} ms, xlsx ${xlsx.toFixed(1)} ms (exceljs streaming writer)`);
  const ok1 = report([{ case: 'whole report (load + engine + xlsx) vs bare SQL of the same rows', ours: whole, baseline: sql, target: 3 }]);

  const batch = (await database.knex('buildings').whereLike('name', 'Бенч-пакет %').orderBy('name').pluck('id')) as string[];
  const perBuilding = async (ids: string[]) => {
    const t = process.hrtime.bigint();
    for (const id of ids) await gen.generate({ ...params, buildingId: id }, createReportContext(data));
    return Number(process.hrtime.bigint() - t) / 1e6 / ids.length;
  };
  await perBuilding(batch.slice(0, 5));
  const ten = Math.min(await perBuilding(batch.slice(0, 10)), await perBuilding(batch.slice(10, 20)));
  const all = await perBuilding(batch);
  console.log(`\nbatch: ${ten.toFixed(1)} ms per building in a batch of 10, ${all.toFixed(1)} ms per building in a batch of ${batch.length}`);
  const ok2 = report([{ case: `time per building, batch of ${batch.length} vs batch of 10`, ours: all, baseline: ten, target: 1.2 }]);
  await c.end();
  await database.close();
  process.exitCode = ok1 && ok2 ? 0 : 1;
}

await main();
