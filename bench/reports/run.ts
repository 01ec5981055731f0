/**
 * bench/reports: the water, heat-meter and technical reports for a building of 500 premises
 * (a hot and a cold water meter each, a heat meter in every fifth, daily readings, polled
 * through a concentrator) over a month, each against the bare SQL that fetches the same rows
 * (target ≤ 3×). Data go once into the database `openamr_bench_reports` (`--regenerate`).
 */
import 'reflect-metadata';
import pg from 'pg';
import type { Knex } from 'knex';
import { openDatabase } from '../../packages/core/src/db/database.js';
import { migrateLatest } from '../../packages/core/src/db/migrations.js';
import { createReportDataSource } from '../../packages/core/src/services/report-data-source.js';
import { createReportContext } from '../../packages/core/src/testing/contexts.js';
import { WaterReport } from '../../packages/report-water/src/index.js';
import { HeatMeterReport } from '../../packages/report-heat-meters/src/index.js';
import { TechnicalReport } from '../../packages/report-technical/src/index.js';
import { benchDatabase, report, time } from '../lib.js';

const NAME = 'Бенч отчетов: 500 помещений';

async function generate(db: Knex) {
  await db.raw('truncate readings, meter_radiators, meters, premises, building_heat_readings, poll_runs, concentrators, buildings cascade');
  for (const [id, kind, q] of [
    ['core.water-meter', 'water-meter', [{ key: 'volume', unit: 'm3' }]],
    ['core.heat-meter', 'heat-meter', [{ key: 'energy', unit: 'Gcal' }, { key: 'volume', unit: 'm3' }]],
  ] as const) {
    await db('device_types').insert({ id, plugin_id: 'core', kind, label: '{}', quantities: JSON.stringify(q), primary_quantity: q[0].key }).onConflict('id').merge();
  }
  const [b] = await db('buildings').insert({ name: NAME, address: 'ул. Отчетная, 5' }).returning('id');
  await db.raw(`insert into premises (building_id, number, area, kind) select ?, 'Кв.' || g, 30 + g % 70, 'residential' from generate_series(1, 500) g`, [b.id]);
  await db.raw(`insert into meters (serial, device_type_id, premise_id, installed_on, water_medium)
    select 'W' || lpad(p.number, 8, '0') || m, 'core.water-meter', p.id, '2023-06-01', m from premises p cross join unnest(array['hot', 'cold']) m`);
  await db.raw(`insert into meters (serial, device_type_id, premise_id, installed_on)
    select 'T' || p.number, 'core.heat-meter', p.id, '2023-06-01' from premises p where substr(p.number, 4)::int % 5 = 0`);
  const [c] = await db('concentrators').insert({ building_id: b.id, type: 'sonocollect-110', host: '10.0.0.1', driver_id: 'ftp.sonocollect', settings: '{}' }).returning('id');
  const [run] = await db('poll_runs').insert({ concentrator_id: c.id, outcome: 'ok', finished_at: db.fn.now() }).returning('id');
  for (const [m, to] of [['2024-03-01', '2024-04-01'], ['2024-04-01', '2024-05-01']]) {
    await db.raw(`create table if not exists readings_${m!.slice(0, 4)}_${m!.slice(5, 7)} partition of readings for values from ('${m}') to ('${to}')`);
  }
  await db.raw(
    `insert into readings (meter_id, taken_at, day, value, unit, "values", source, source_key, poll_run_id)
     select m.id, d - interval '3 hours', d::date, 100 + extract(doy from d) * 0.137, case when m.device_type_id = 'core.heat-meter' then 'GJ' else 'm3' end,
            case when m.device_type_id = 'core.heat-meter' then jsonb_build_object('volume', 10 + extract(doy from d) * 0.4) end,
            'poll', 'bench:' || m.serial || ':' || d::date, ?
     from meters m cross join generate_series('2024-03-01'::timestamp, '2024-04-01', interval '1 day') d
     where not (m.serial like '%7hot' and d > '2024-03-20')`,
    [run.id],
  );
  await db.raw(`insert into building_heat_readings (building_id, day, value, unit) values (?, '2024-03-01', 5000, 'Gcal'), (?, '2024-04-01', 5400, 'Gcal')`, [b.id, b.id]);
  await db.raw('vacuum analyze');
}

/** The bare SQL of each report: one hand-written query per kind of row it needs. */
async function bareRegistry(c: pg.Client, buildingId: string) {
  await c.query('select id, number, area, kind from premises where building_id = $1', [buildingId]);
  const meters = await c.query(
    `select m.id, m.serial, m.device_type_id, m.premise_id, m.installed_on, m.decommissioned_on, m.water_medium, dt.kind
     from meters m join premises p on p.id = m.premise_id left join device_types dt on dt.id = m.device_type_id where p.building_id = $1`,
    [buildingId],
  );
  return meters.rows as Array<{ id: string; kind: string }>;
}
async function bareBoundary(c: pg.Client, buildingId: string, kind: string, heat: boolean) {
  const ids = (await bareRegistry(c, buildingId)).filter((m) => m.kind === kind).map((m) => m.id);
  await c.query(`select meter_id, day, taken_at, value, unit, "values" from readings where meter_id = any($1::uuid[]) and day = any($2::date[])`, [ids, ['2024-03-01', '2024-04-01']]);
  if (heat) await c.query('select day, value, unit from building_heat_readings where building_id = $1 and day between $2 and $3', [buildingId, '2024-03-01', '2024-04-01']);
}
async function bareTechnical(c: pg.Client, buildingId: string) {
  const ids = (await bareRegistry(c, buildingId)).map((m) => m.id);
  await c.query(
    `select m.id, (select count(distinct day) from readings d where d.meter_id = m.id and d.day between $2 and $3) n, l.day, l.error_code, pc.concentrator_id
     from unnest($1::uuid[]) as m(id)
     left join lateral (select day, error_code from readings x where x.meter_id = m.id and x.day <= $3 order by day desc, taken_at desc limit 1) l on true
     left join lateral (select pr.concentrator_id from readings x join poll_runs pr on pr.id = x.poll_run_id where x.meter_id = m.id and x.poll_run_id is not null order by day desc, taken_at desc limit 1) pc on true`,
    [ids, '2024-03-01', '2024-03-31'],
  );
  await c.query(
    `select c.id, c.name, lr.outcome from concentrators c left join lateral (select outcome from poll_runs r where r.concentrator_id = c.id order by started_at desc limit 1) lr on true where c.building_id = $1`,
    [buildingId],
  );
}

async function main() {
  const url = await benchDatabase('openamr_bench_reports');
  const database = await openDatabase({ url, dataDir: '/nonexistent' });
  await migrateLatest(database.knex);
  const building = await database.knex('buildings').where({ name: NAME }).first('id');
  if (process.argv.includes('--regenerate') || !building) {
    console.error('generating the data set (once)…');
    await generate(database.knex);
  }
  const buildingId = (await database.knex('buildings').where({ name: NAME }).first('id')).id as string;
  const stats = (await database.knex.raw(`select (select count(*) from premises)::int p, (select count(*) from meters)::int m, (select count(*) from readings)::int r`)).rows[0];
  console.log(`data: ${stats.p} premises, ${stats.m} meters, ${stats.r} readings (March 2024, daily)`);
  const data = createReportDataSource(database.knex);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const params = { buildingId, from: '2024-03-01', to: '2024-03-31' };
  const rows = [];
  for (const [label, gen, bare] of [
    ['water.consumption', new WaterReport(), () => bareBoundary(c, buildingId, 'water-meter', false)],
    ['heat-meters.consumption', new HeatMeterReport(), () => bareBoundary(c, buildingId, 'heat-meter', true)],
    ['technical.data-completeness', new TechnicalReport(), () => bareTechnical(c, buildingId)],
  ] as const) {
    const baseline = await time(bare, 30, 10);
    // The whole report as the operator downloads it (xlsx), and its data and calculation alone (json).
    for (const format of ['xlsx', 'json'] as const) {
      const ours = await time(() => gen.generate({ ...params, format }, createReportContext(data)), 30, 10);
      rows.push({ case: `${label} (${format}) vs bare SQL of the same rows`, ours, baseline, target: 3 });
    }
  }
  const ok = report(rows);
  await c.end();
  await database.close();
  process.exitCode = ok ? 0 : 1;
}

await main();
