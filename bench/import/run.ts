/**
 * bench/import: `openamr import` of a generated CSV of 1,000,000 readings for 50,000 meters into
 * PostgreSQL, against psql `\copy` of the same rows into a bare table with the same kind of
 * indexes (target: at least 0.5× the \copy rate; resident memory under 300 MB). Then the
 * same file again: nothing stored.
 */
import 'reflect-metadata';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../packages/core/src/db/database.js';
import { migrateLatest } from '../../packages/core/src/db/migrations.js';
import { benchDatabase } from '../lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const METERS = Number(process.env.BENCH_METERS ?? 50_000);
const PER_METER = Number(process.env.BENCH_PER_METER ?? 20);

async function writeCsv(path: string) {
  const out = createWriteStream(path);
  out.write('serial;date;value;unit;error_code\n');
  for (let d = 0; d < PER_METER; d++) {
    const day = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
    let chunk = '';
    for (let m = 1; m <= METERS; m++) chunk += `IMP${String(m).padStart(7, '0')};${day};${1000 + d * 3 + (m % 7)},5;;\n`;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const t = Date.now();
    const child = spawn(cmd, args, { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ ms: Date.now() - t, code, stdout, stderr }));
  });
}

async function main() {
  const url = await benchDatabase('openamr_bench_import');
  const db = await openDatabase({ url, dataDir: '/nonexistent' });
  await migrateLatest(db.knex);
  const k = db.knex;
  console.error('preparing the registry…');
  await k.raw('truncate readings, meters, premises, buildings, imports cascade');
  await k('device_types').insert({ id: 'core.water-meter', plugin_id: 'core', kind: 'water-meter', label: '{}', quantities: JSON.stringify([{ key: 'volume', unit: 'm3' }]), primary_quantity: 'volume' }).onConflict('id').merge();
  await k.raw(`insert into buildings (name, address) select 'Импорт ' || g, 'ул. ' || g from generate_series(1, ${METERS / 100}) g`);
  await k.raw(`insert into premises (building_id, number, area, kind) select b.id, 'Кв.' || g, 50, 'residential' from buildings b cross join generate_series(1, 100) g`);
  await k.raw(`insert into meters (serial, device_type_id, premise_id) select 'IMP' || lpad((row_number() over ())::text, 7, '0'), 'core.water-meter', id from premises`);
  await k.raw('analyze');
  const dir = mkdtempSync(join(tmpdir(), 'amr-bench-import-'));
  const csv = join(dir, 'readings.csv');
  await writeCsv(csv);
  const rows = METERS * PER_METER;
  console.log(`file: ${rows.toLocaleString('en')} readings for ${METERS.toLocaleString('en')} meters, ${(statSync(csv).size / 1024 / 1024).toFixed(1)} MB`);

  // Baseline: \copy of the same rows into a bare table with a primary key, a unique key and a lookup index.
  await k.raw('drop table if exists bench_copy');
  await k.raw(`create table bench_copy (id uuid primary key default gen_random_uuid(), serial text, day text, value text, unit text, error_code text, unique (serial, day))`);
  await k.raw('create index on bench_copy (serial, day)');
  const psql = await timeCommand('psql', [url, '-q', '-c', `\\copy bench_copy (serial, day, value, unit, error_code) from '${csv}' with (format csv, delimiter ';', header true)`], process.env);
  if (psql.code !== 0) throw new Error(`psql failed: ${psql.stderr}`);
  await k.raw('drop table bench_copy');

  const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', OPENAMR_CONFIG: join(dir, 'openamr.config.json') };
  await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'openamr.config.json'), '{"plugins": []}'));
  // The CLI as users run it: the built bin (`npm run build` first).
  const build = spawnSync('npx', ['tsc', '-b'], { cwd: ROOT });
  if (build.status !== 0) throw new Error(`tsc -b failed: ${build.stdout}`);
  const cli = ['--import', join(ROOT, 'bench/report-rss.mjs'), join(ROOT, 'packages/core/bin/openamr.js'), 'import', csv];
  const first = await timeCommand(process.execPath, cli, env);
  if (first.code !== 0) throw new Error(`import failed (${first.code}): ${first.stderr.slice(0, 2000)}`);
  const rss = Number(/max-rss-kb (\d+)/.exec(first.stderr)?.[1] ?? 0) / 1024;
  const summary = JSON.parse(first.stdout);
  const again = await timeCommand(process.execPath, cli, env);
  const second = JSON.parse(again.stdout);
  const rate = (ms: number) => (rows / ms) * 1000;
  console.log(`\n| case | time | rows/s |`);
  console.log(`|---|---|---|`);
  console.log(`| psql \\copy into a bare indexed table | ${(psql.ms / 1000).toFixed(1)} s | ${Math.round(rate(psql.ms)).toLocaleString('en')} |`);
  console.log(`| openamr import (stream, checks, one transaction) | ${(first.ms / 1000).toFixed(1)} s | ${Math.round(rate(first.ms)).toLocaleString('en')} |`);
  console.log(`| openamr import of the same file again | ${(again.ms / 1000).toFixed(1)} s | stored ${second.new}, already there ${second.existing} |`);
  const ratio = rate(first.ms) / rate(psql.ms);
  console.log(`\nrate ratio: ${ratio.toFixed(2)}× of \\copy (target ≥ 0.5×) ${ratio >= 0.5 ? '✓' : '✗'}; peak RSS ${rss.toFixed(0)} MB (target < 300 MB) ${rss < 300 ? '✓' : '✗'}; stored ${summary.new}`);
  await db.close();
  spawnSync('rm', ['-rf', dir]);
  process.exitCode = ratio >= 0.5 && rss < 300 && summary.new === rows && second.new === 0 ? 0 : 1;
}

await main();
