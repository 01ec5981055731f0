/**
 * bench/registry: the registry API against the hand-written SQL that returns the same rows,
 * on PostgreSQL with 2,000 buildings, 200,000 premises, 1,000,000 meters and 10,000,000
 * readings (generated once into the database `openamr_bench_registry`; `--regenerate` redoes it).
 * Target: each API call within 2× of its SQL.
 */
import 'reflect-metadata';
import pg from 'pg';
import { createApp } from '../../packages/core/src/app.js';
import { openDatabase } from '../../packages/core/src/db/database.js';
import { loadPlugins } from '../../packages/core/src/loader/load-plugins.js';
import { migrateLatest } from '../../packages/core/src/db/migrations.js';
import { createLogger } from '../../packages/core/src/logger.js';
import { benchDatabase, report, time } from '../lib.js';

/** The hand-written SQL of a meter's readings page (the baseline). */
const READINGS_PAGE_SQL = `select r.id, r.day, r.taken_at, r.value, r.unit, r.error_code, r.source, r.poll_run_id, r.import_id, u.email,
    (select count(*) from readings where meter_id = $1) total
  from readings r left join users u on u.id = r.created_by where r.meter_id = $1 order by r.day desc, r.taken_at desc limit 50`;

const BUILDINGS = 2000;
const PREMISES_PER_BUILDING = 100;
const BIG_BUILDING_PREMISES = 500;
const METERS_PER_PREMISE = 5;
const READINGS_PER_METER = 10;

async function generate(db: import('knex').Knex) {
  const t0 = Date.now();
  const log = (what: string) => console.error(`  ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  await db.raw(`truncate readings, meter_radiators, meters, premises, buildings cascade`);
  await db.raw(`insert into buildings (name, address, total_area)
    select 'Дом ' || g, 'г. Бенчмарк, ул. Тестовая, д. ' || g, 5000 from generate_series(1, ${BUILDINGS}) g`);
  await db.raw(`insert into premises (building_id, number, area, kind, floor, entrance, account_number)
    select b.id, 'Кв.' || g, 40 + (g % 50), case when g % 50 = 0 then 'non-residential' else 'residential' end, 1 + g % 9, 1 + g % 4, 'ЛС-' || g
    from buildings b cross join generate_series(1, case when b.name = 'Дом 1' then ${BIG_BUILDING_PREMISES} else ${PREMISES_PER_BUILDING} end) g`);
  log('buildings and premises');
  await db.raw(`insert into meters (serial, device_type_id, premise_id, installed_on)
    select 'B' || lpad((row_number() over ())::text, 8, '0'), 'core.heat-cost-allocator', p.id, '2023-01-01'
    from premises p cross join generate_series(1, ${METERS_PER_PREMISE}) g`);
  log('meters');
  await db.raw(`create table if not exists readings_2024_01 partition of readings for values from ('2024-01-01') to ('2024-02-01')`);
  await db.raw(`alter table readings_2024_01 set (autovacuum_enabled = false)`);
  // Bulk load: drop the partition's indexes, insert, rebuild them (as a restore would).
  await db.raw(`insert into readings (meter_id, taken_at, day, value, unit, source, source_key)
    select m.id, (date '2024-01-01' + g) - interval '3 hours', date '2024-01-01' + g, 1000 + g * 7, 'units', 'bench', 'bench:' || m.serial || ':' || g
    from meters m cross join generate_series(0, ${READINGS_PER_METER - 1}) g`);
  log('readings');
  await db.raw(`alter table readings_2024_01 set (autovacuum_enabled = true)`);
  await db.raw('vacuum analyze');
  log('vacuum analyze');
}

async function main() {
  const url = await benchDatabase('openamr_bench_registry');
  const registries = await loadPlugins({ plugins: [], baseDir: process.cwd() });
  const database = await openDatabase({ url, dataDir: '/nonexistent' });
  await migrateLatest(database.knex);
  const counts = await database.knex.raw(`select (select count(*) from buildings) b, (select count(*) from premises) p, (select count(*) from meters) m, (select count(*) from readings) r`);
  const c = counts.rows[0];
  if (process.argv.includes('--regenerate') || Number(c.r) < BUILDINGS * PREMISES_PER_BUILDING * METERS_PER_PREMISE * READINGS_PER_METER) {
    console.error('generating the data set (once; minutes)…');
    await database.knex('device_types').insert({ id: 'core.heat-cost-allocator', plugin_id: 'core', kind: 'heat-cost-allocator', label: '{}', quantities: '[]', primary_quantity: 'heatUnits' }).onConflict('id').ignore();
    await generate(database.knex);
  }
  const after = (await database.knex.raw(`select (select count(*) from buildings) b, (select count(*) from premises) p, (select count(*) from meters) m, (select count(*) from readings) r`)).rows[0];
  console.log(`data: ${after.b} buildings, ${after.p} premises, ${after.m} meters, ${after.r} readings`);

  const app = await createApp({
    config: {
      port: 0, host: '127.0.0.1', dataDir: '/nonexistent', adminEmail: 'bench@openamr.local', adminPassword: 'bench-password-1',
      demo: false, logLevel: 'silent', baseDir: process.cwd(), plugins: [], settings: { staleDays: 21, sessionHours: 12, uploadLimitMb: 100 }, polling: { scheduler: false, timeoutMs: 60_000, retries: 0, retryDelayMs: 0, leaseMs: 60_000, graceMs: 0, concurrency: 1 },
    },
    database,
    registries,
    logger: createLogger('silent'),
  });
  const login = await app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'bench@openamr.local', password: 'bench-password-1' } });
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const get = async (path: string) => {
    const res = await app.server.inject({ method: 'GET', url: path, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.payload}`);
    return res;
  };
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();

  const big = (await database.knex('buildings').where({ name: 'Дом 1' }).first('id')).id as string;
  const meter = (await database.knex('meters').orderBy('serial').offset(123_456).first('id')).id as string;

  const rows = [];
  // 1. The overview: first page of 50 buildings by name, with counts and concentrator hosts.
  rows.push({
    case: 'building list (page of 50, counts)',
    ours: await time(() => get('/api/buildings?limit=50')),
    baseline: await time(() =>
      sql.query(`select b.id, b.name, b.address, b.total_area, b.notes, b.time_zone,
          (select count(*) from premises p where p.building_id = b.id) premises,
          (select count(*) from meters m join premises p on p.id = m.premise_id where p.building_id = b.id and m.decommissioned_on is null) meters,
          (select array_agg(distinct c.host) from concentrators c where c.building_id = b.id) hosts,
          (select count(*) from buildings) total
        from buildings b order by b.name, b.id limit 50`),
    ),
    target: 2,
  });
  // 2. The premises tab of a 500-premise building with every meter's state.
  rows.push({
    case: 'premises tab, 500 premises × 5 meters with states',
    ours: await time(() => get(`/api/buildings/${big}/premises?limit=500`)),
    baseline: await time(() =>
      sql.query(
        `select p.id, p.number, p.floor, p.entrance, p.area, p.account_number, p.acceptance_date, p.kind, m.id mid, m.serial, m.device_type_id,
            case when m.decommissioned_on is not null then 'decommissioned' when coalesce(lr.error_code, '') <> '' then 'error'
                 when lr.day is null or lr.day < current_date - 21 then 'stale' else 'ok' end state
         from premises p left join meters m on m.premise_id = p.id
         left join lateral (select day, error_code from readings r where r.meter_id = m.id order by day desc limit 1) lr on true
         where p.building_id = $1 order by p.number`,
        [big],
      ),
    ),
    target: 2,
  });
  // 3. A meter's readings page, newest first, with the user who entered each.
  rows.push({
    case: "meter's readings page (newest first)",
    ours: await time(() => get(`/api/meters/${meter}/readings?limit=50`)),
    baseline: await time(() =>
      sql.query(
        READINGS_PAGE_SQL,
        [meter],
      ),
    ),
    target: 2,
  });
  const ok = report(rows);
  // Where the time goes for small pages: the fixed cost of a request (session cookie
  // decryption by @hapi/cookie, session lookup, hapi) against the query itself.
  const { ReadingsService } = await import('../../packages/core/src/services/readings/readings-service.js');
  const readings = app.container.resolve(ReadingsService);
  console.log('\ninformational (not targets):');
  report([
    {
      case: "meter's readings page, service layer only (no HTTP)",
      ours: await time(() => readings.list(meter, { limit: 50, offset: 0 }), 100, 10),
      baseline: await time(() =>
        sql.query(
          READINGS_PAGE_SQL,
          [meter],
        ), 100, 10),
      target: 2,
    },
    { case: 'fixed cost of an authenticated request (GET /api/auth/me) vs select 1', ours: await time(() => get('/api/auth/me'), 100, 10), baseline: await time(() => sql.query('select 1'), 100, 10), target: Infinity },
  ]);
  await sql.end();
  await app.stop();
  await database.close();
  process.exitCode = ok ? 0 : 1;
}

await main();
