/**
 * bench/poll: 500 FTP concentrators (one ftp-srv on 127.0.0.1, a folder each holding one
 * readings file for its 20 meters) polled by one OpenAMR node through the poll runner and
 * the `ftp.sonocollect` driver — lease, journal, readings stored — against a bare basic-ftp
 * loop downloading the same files with the same number of parallel sessions (target: at
 * least 0.8× its rate). Then two nodes (two schedulers on the database) tick for the same
 * slot of all 500 schedules: each should take 40–60 % of the slots.
 */
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'basic-ftp';
import { FtpSrv } from 'ftp-srv';
import { createApp } from '../../packages/core/src/app.js';
import { loadConfig } from '../../packages/core/src/config/config.js';
import { openDatabase } from '../../packages/core/src/db/database.js';
import { loadPlugins } from '../../packages/core/src/loader/load-plugins.js';
import { createLogger } from '../../packages/core/src/logger.js';
import { PollRunner } from '../../packages/core/src/services/polling/poll-runner.js';
import { Scheduler } from '../../packages/core/src/services/polling/scheduler.js';
import { SYSTEM_ACTOR } from '../../packages/core/src/services/actor.js';
import { benchDatabase } from '../lib.js';

const CONCENTRATORS = Number(process.env.BENCH_CONCENTRATORS ?? 500);
const METERS = 20;
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 16);
const silent = { child: () => silent, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'amr-bench-poll-'));
  for (let c = 0; c < CONCENTRATORS; c++) {
    mkdirSync(join(root, `c${c}`));
    const rows = Array.from({ length: METERS }, (_, m) => `P${c}-${m};02.03.2024;${100 + m}.${c % 10}`);
    writeFileSync(join(root, `c${c}`, 'export.csv'), `serial;date;value\n${rows.join('\n')}\n`);
  }
  const signals = new Map((['SIGINT', 'SIGTERM'] as const).map((s) => [s, process.listeners(s)]));
  const ftp = new FtpSrv({ url: 'ftp://127.0.0.1:0', pasv_url: '127.0.0.1', pasv_min: 40000, pasv_max: 49999, log: silent as never });
  for (const [s, kept] of signals) for (const l of process.listeners(s)) if (!kept.includes(l)) process.removeListener(s, l);
  ftp.on('login', ({ username, password }, resolve, reject) => (username === 'reader' && password === 'secret' ? resolve({ root }) : reject(new Error('no'))));
  await ftp.listen();
  const port = (ftp as unknown as { server: { address(): { port: number } } }).server.address().port;

  const url = await benchDatabase('openamr_bench_poll');
  const database = await openDatabase({ url, dataDir: '/nonexistent' });
  const config = { ...loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', OPENAMR_CONFIG: '' }), plugins: [{ package: '@openamr/plugin-ftp' }], logLevel: 'silent' };
  config.polling = { ...config.polling, scheduler: false, retries: 0, concurrency: 10_000, leaseMs: 60_000 };
  const registries = await loadPlugins({ plugins: config.plugins, baseDir: process.cwd() });
  const app = await createApp({ config, database, registries, logger: createLogger('silent') });
  const k = database.knex;
  console.error('preparing the registry…');
  await k.raw('truncate readings, poll_runs, schedule_slots, schedules, concentrators, meters, premises, buildings cascade');
  const [b] = await k('buildings').insert({ name: 'Бенч опроса', address: 'ул. Опросная, 500' }).returning('id');
  await k.raw(`insert into premises (building_id, number, area, kind) select ?, 'Кв.' || g, 50, 'residential' from generate_series(0, ${CONCENTRATORS - 1}) g`, [b.id]);
  await k.raw(`insert into meters (serial, device_type_id, premise_id) select 'P' || substr(p.number, 4) || '-' || m, 'core.water-meter', p.id from premises p cross join generate_series(0, ${METERS - 1}) m`);
  const ids: string[] = [];
  for (let c = 0; c < CONCENTRATORS; c++) {
    const [row] = await k('concentrators').insert({ building_id: b.id, type: 'sonocollect-110', host: '127.0.0.1', port, driver_id: 'ftp.sonocollect', settings: JSON.stringify({ user: 'reader', directory: `/c${c}` }) }).returning('id');
    ids.push(row.id);
  }
  // The password goes through the API's sealing, as an operator would set it.
  const { ConcentratorService } = await import('../../packages/core/src/services/polling/concentrator-service.js');
  const concentrators = app.container.resolve(ConcentratorService);
  for (const id of ids) await concentrators.update(SYSTEM_ACTOR, id, { settings: { password: 'secret' } }, 'ru');
  await k.raw('create table if not exists readings_2024_03 partition of readings for values (\'2024-03-01\') to (\'2024-04-01\')').catch(() => undefined);
  await k.raw('analyze');

  // Bare loop: connect, log in, list, download the file into memory, close.
  const bare = async () => {
    const t = Date.now();
    await pool([...Array(CONCENTRATORS).keys()], PARALLEL, async (c) => {
      const client = new Client(30_000);
      await client.access({ host: '127.0.0.1', port, user: 'reader', password: 'secret' });
      await client.cd(`/c${c}`);
      for (const f of await client.list()) {
        const chunks: Buffer[] = [];
        await client.downloadTo(new Writable({ write: (ch, _e, done) => (chunks.push(ch), done()) }), f.name);
      }
      client.close();
    });
    return Date.now() - t;
  };
  const runner = app.container.resolve(PollRunner);
  const ours = async () => {
    await k.raw('truncate readings, poll_runs cascade');
    await k('concentrators').update({ cursor: null });
    const t = Date.now();
    const outcomes = new Map<string, number>();
    await pool(ids, PARALLEL, async (id) => {
      const { done } = await runner.start(id, { kind: 'manual', actor: SYSTEM_ACTOR });
      const r = await done;
      outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    });
    const ms = Date.now() - t;
    const stored = Number((await k('readings').count({ n: '*' }))[0]!.n);
    return { ms, stored, outcomes };
  };
  await bare();
  await ours();
  const bareMs = Math.min(await bare(), await bare());
  const runs = [await ours(), await ours()];
  const best = runs.reduce((a, r) => (r.ms < a.ms ? r : a));
  const rate = (ms: number) => (CONCENTRATORS / ms) * 1000;
  console.log(`\n${CONCENTRATORS} concentrators × ${METERS} readings, ${PARALLEL} parallel sessions`);
  console.log(`| case | time | concentrators/s |`);
  console.log(`|---|---|---|`);
  console.log(`| bare basic-ftp loop (connect, list, download) | ${(bareMs / 1000).toFixed(2)} s | ${rate(bareMs).toFixed(0)} |`);
  console.log(`| OpenAMR poll runner (lease, journal, readings stored) | ${(best.ms / 1000).toFixed(2)} s | ${rate(best.ms).toFixed(0)} |`);
  const ratio = rate(best.ms) / rate(bareMs);
  console.log(`rate ratio ${ratio.toFixed(2)}× of the bare loop (target ≥ 0.8×) ${ratio >= 0.8 ? '✓' : '✗'}; stored ${best.stored} readings; outcomes ${JSON.stringify(Object.fromEntries(best.outcomes))}`);

  // Two nodes on one database: both schedulers tick for the same slot of every schedule.
  await k.raw('truncate readings, poll_runs, schedule_slots, schedules cascade');
  await k('concentrators').update({ cursor: null });
  const second = new Date(Date.now() + 4000).getSeconds();
  await k('schedules').insert(ids.map((id) => ({ concentrator_id: id, cron: `${second} * * * * *` })));
  const other = await createApp({ config, database, registries, logger: createLogger('silent') });
  const nodes = [app, other].map((a) => ({ scheduler: a.container.resolve(Scheduler), runner: a.container.resolve(PollRunner) }));
  await Promise.all(nodes.map((n) => n.scheduler.start()));
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const done = Number((await k('schedule_slots').whereNotNull('completed_at').count({ n: '*' }))[0]!.n);
    if (done >= CONCENTRATORS) break;
  }
  await Promise.all(nodes.map((n) => n.scheduler.stop()));
  const per = await k('poll_runs').select('node_id').count({ n: '*' }).groupBy('node_id');
  const slots = Number((await k('schedule_slots').count({ n: '*' }))[0]!.n);
  const shares = per.map((p) => Number(p.n) / slots);
  console.log(`\ntwo nodes, one slot of ${CONCENTRATORS} schedules: ${slots} slots, runs per node ${per.map((p) => p.n).join(' / ')} (${shares.map((s) => `${(s * 100).toFixed(0)} %`).join(' / ')}; target 40–60 % each) ${shares.length === 2 && shares.every((s) => s >= 0.4 && s <= 0.6) ? '✓' : '✗'}`);
  await other.stop();
  await app.stop();
  await database.close();
  await ftp.close();
  rmSync(root, { recursive: true, force: true });
  process.exitCode = ratio >= 0.8 && shares.length === 2 && shares.every((s) => s >= 0.4 && s <= 0.6) ? 0 : 1;
}

await main();
