/**
 * bench/mesh: 100 INDIV-X-Gateway Mesh gateways publish into Mosquitto (127.0.0.1:1883), each
 * a message of 50 readings a second — 5,000 readings/s — for a minute (BENCH_SECONDS), and
 * one OpenAMR node stores them through its push listeners (one MQTT session per
 * concentrator, QoS 1, a batch of messages per transaction, each acknowledged after its
 * batch is stored) into PostgreSQL. Checks that none is lost (count) and how far behind the
 * store runs; then a burst (every gateway publishes as many rounds as fast as the broker
 * takes them) measures the drain rate against psql `\copy` of the same rows into the
 * readings table, in the same run.
 */
import 'reflect-metadata';
import mqtt, { type MqttClient } from 'mqtt';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../packages/core/src/app.js';
import { loadConfig } from '../../packages/core/src/config/config.js';
import { openDatabase } from '../../packages/core/src/db/database.js';
import { loadPlugins } from '../../packages/core/src/loader/load-plugins.js';
import { createLogger } from '../../packages/core/src/logger.js';
import { PushListeners } from '../../packages/core/src/services/polling/push-listeners.js';
import { MeshGatewayDriver } from '../../packages/plugin-mesh/src/index.js';
import { benchDatabase } from '../lib.js';

const GATEWAYS = Number(process.env.BENCH_GATEWAYS ?? 100);
const METERS = Number(process.env.BENCH_METERS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const BROKER = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const BASE = Date.parse('2024-03-01T00:00:00Z');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Transactions the listeners ran and the readings they carried (the driver's sink wrapped). */
const stores = { n: 0, readings: 0 };
/** Concentrators whose listener has subscribed. */
const subscribed = new Set<string>();
const listen = MeshGatewayDriver.prototype.listen;
MeshGatewayDriver.prototype.listen = function (target, sink, ctx) {
  const logger = { ...ctx.logger, info: (obj: object | string, msg?: string) => (msg === 'MQTT subscribed' && subscribed.add(target.id), ctx.logger.info(obj, msg)) };
  return listen.call(this, target, { store: (batch) => (stores.n++, (stores.readings += batch.readings.length), sink.store(batch)) }, { ...ctx, logger });
};

/** Ends a persistent session on the broker. */
function forget(clientId: string): Promise<void> {
  const c = mqtt.connect(BROKER, { clientId, clean: true, reconnectPeriod: 0 });
  return new Promise((resolve) => (c.once('connect', () => c.end(false, () => resolve())), c.once('error', () => resolve())));
}

function connect(clientId: string): Promise<MqttClient> {
  const c = mqtt.connect(BROKER, { clientId, clean: true, reconnectPeriod: 500 });
  return new Promise((resolve, reject) => (c.once('connect', () => resolve(c)), c.once('error', reject)));
}
const publish = (c: MqttClient, topic: string, body: string) => new Promise<void>((resolve, reject) => c.publish(topic, body, { qos: 1 }, (err) => (err ? reject(err) : resolve())));

/** Round `r` of gateway `g`: one reading per meter, a minute apart per round, growing values. */
function message(run: string, g: number, r: number): string {
  const time = new Date(BASE + r * 60_000).toISOString();
  return JSON.stringify({
    gateway: `${run}-${g}`,
    readings: Array.from({ length: METERS }, (_, m) => ({ serial: `G${g}-${m}`, time, value: (1000 + m + r * 0.125).toFixed(3) })),
  });
}

function timeCommand(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(Date.now() - t) : reject(new Error(`${cmd}: ${err}`))));
  });
}

async function main() {
  const url = await benchDatabase('openamr_bench_mesh');
  const database = await openDatabase({ url, dataDir: '/nonexistent' });
  const config = { ...loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', OPENAMR_CONFIG: '' }), plugins: [{ package: '@openamr/plugin-mesh' }], logLevel: 'silent' };
  config.polling = { ...config.polling, scheduler: false, leaseMs: 60_000 };
  const registries = await loadPlugins({ plugins: config.plugins, baseDir: process.cwd() });
  const app = await createApp({ config, database, registries, logger: createLogger('silent') });
  const k = database.knex;
  // A run id of its own: the broker may still hold sessions of an earlier run.
  const run = `bench-${randomUUID().slice(0, 8)}`;
  console.error('preparing the registry…');
  await k.raw('truncate readings, poll_runs, schedule_slots, schedules, concentrators, meters, premises, buildings cascade');
  const [b] = await k('buildings').insert({ name: 'Бенч Mesh', address: 'ул. Сетевая, 100', time_zone: 'UTC' }).returning('id');
  await k.raw(`insert into premises (building_id, number, area, kind) select ?, 'Кв.' || g, 50, 'residential' from generate_series(0, ${GATEWAYS - 1}) g`, [b.id]);
  await k.raw(`insert into meters (serial, device_type_id, premise_id) select 'G' || substr(p.number, 4) || '-' || m, 'core.water-meter', p.id from premises p cross join generate_series(0, ${METERS - 1}) m`);
  for (let g = 0; g < GATEWAYS; g++) {
    await k('concentrators').insert({ building_id: b.id, type: 'indiv-x-gateway-mesh', driver_id: 'mesh.gateway', settings: JSON.stringify({ url: BROKER, gatewayId: `${run}-${g}`, clientId: `${run}-node-${g}` }) });
  }
  await k.raw('analyze');

  const push = app.container.resolve(PushListeners);
  await push.start();
  for (let i = 0; i < 600 && subscribed.size < GATEWAYS; i++) await sleep(50);
  if (subscribed.size < GATEWAYS) throw new Error(`only ${subscribed.size} of ${GATEWAYS} listeners subscribed`);
  console.error(`${push.listening.length} listeners; publishing…`);
  const gateways = await Promise.all(Array.from({ length: GATEWAYS }, (_, g) => connect(`${run}-gw-${g}`)));
  const count = async () => Number((await k('readings').count({ n: '*' }))[0]!.n);

  // Steady: every gateway publishes one round a second, spread over the second.
  let published = 0;
  const t0 = Date.now();
  let lagMax = 0;
  const sampler = setInterval(async () => {
    const lag = published - (await count());
    lagMax = Math.max(lagMax, lag);
  }, 1000);
  await Promise.all(
    gateways.map(async (c, g) => {
      await sleep((g / GATEWAYS) * 1000);
      for (let r = 0; r < SECONDS; r++) {
        const due = t0 + (g / GATEWAYS) * 1000 + r * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        await publish(c, `indivx/${run}-${g}/readings`, message(run, g, r));
        published += METERS;
      }
    }),
  );
  const publishedAt = Date.now();
  let stored = await count();
  while (stored < published && Date.now() - publishedAt < 120_000) {
    await sleep(100);
    stored = await count();
  }
  clearInterval(sampler);
  const drainMs = Date.now() - publishedAt;
  const steadyRate = (published / (publishedAt - t0)) * 1000;

  // Burst: the next rounds as fast as the broker takes them; the node drains them.
  const ROUNDS = SECONDS;
  const before = await count();
  const t1 = Date.now();
  await Promise.all(gateways.map(async (c, g) => {
    for (let r = SECONDS; r < SECONDS + ROUNDS; r++) await publish(c, `indivx/${run}-${g}/readings`, message(run, g, r));
  }));
  const burstPublishedMs = Date.now() - t1;
  const burst = GATEWAYS * METERS * ROUNDS;
  let burstStored = (await count()) - before;
  while (burstStored < burst && Date.now() - t1 < 300_000) {
    await sleep(50);
    burstStored = (await count()) - before;
  }
  const burstMs = Date.now() - t1;
  for (const c of gateways) c.end(true);
  await push.stop();
  const duplicates = Number((await k.raw(`select count(*) - count(distinct (meter_id, taken_at)) as n from readings`)).rows[0].n);
  const perMeter = (await k.raw(`select min(n) as lo, max(n) as hi from (select count(*) as n from readings group by meter_id) x`)).rows[0];

  // Baseline: psql \copy of the burst's rows (the same meters, times and values) into the readings table itself.
  const meterIds = new Map<string, string>((await k('meters').select('serial', 'id')).map((m: { serial: string; id: string }) => [m.serial, m.id]));
  const dir = mkdtempSync(join(tmpdir(), 'amr-bench-mesh-'));
  const csv = join(dir, 'rows.csv');
  const lines: string[] = [];
  for (let r = SECONDS; r < SECONDS + ROUNDS; r++) {
    const time = new Date(BASE + r * 60_000).toISOString();
    for (let g = 0; g < GATEWAYS; g++) for (let m = 0; m < METERS; m++) lines.push(`${meterIds.get(`G${g}-${m}`)},${time},${time.slice(0, 10)},${(1000 + m + r * 0.125).toFixed(3)},push,copy:${run}-${g}:G${g}-${m}:${time}`);
  }
  writeFileSync(csv, lines.join('\n') + '\n');
  const copyMs = await timeCommand('psql', [url, '-q', '-c', `\\copy readings (meter_id, taken_at, day, value, source, source_key) from '${csv}' with (format csv)`]);
  const copied = Number((await k('readings').where('source_key', 'like', 'copy:%').count({ n: '*' }))[0]!.n);
  await k('readings').where('source_key', 'like', 'copy:%').delete();
  rmSync(dir, { recursive: true, force: true });

  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
  console.log(`\n${GATEWAYS} gateways × ${METERS} meters, Mosquitto ${BROKER}, one node`);
  console.log('| phase | readings | published in | all stored after | rate (readings/s) |');
  console.log('|---|---|---|---|---|');
  console.log(`| steady, ${SECONDS} s at ${GATEWAYS * METERS}/s | ${published.toLocaleString('en')} | ${((publishedAt - t0) / 1000).toFixed(1)} s | +${(drainMs / 1000).toFixed(2)} s (most behind: ${lagMax.toLocaleString('en')}) | ${Math.round(steadyRate).toLocaleString('en')} |`);
  console.log(`| burst (as fast as the broker takes) | ${burst.toLocaleString('en')} | ${(burstPublishedMs / 1000).toFixed(1)} s | ${(burstMs / 1000).toFixed(1)} s | ${rate(burstStored, burstMs).toLocaleString('en')} |`);
  console.log(`| psql \\copy of the burst's ${copied.toLocaleString('en')} rows into the readings table | | | ${(copyMs / 1000).toFixed(1)} s | ${rate(copied, copyMs).toLocaleString('en')} |`);
  const lost = published + burst - (stored + burstStored);
  const per = GATEWAYS > 0 ? `every meter ${perMeter.lo === perMeter.hi ? perMeter.lo : `${perMeter.lo}–${perMeter.hi}`} readings (expected ${SECONDS + ROUNDS})` : '';
  console.log(`\nlost: ${lost} (target 0) ${lost === 0 ? '✓' : '✗'}; duplicates: ${duplicates}; ${per}; stores: ${stores.n} (${(stores.readings / Math.max(1, stores.n)).toFixed(0)} readings each on average); burst drain ${(rate(burstStored, burstMs) / rate(copied, copyMs)).toFixed(2)}× of \\copy (reported)`);
  await app.stop();
  await database.close();
  // The benchmark's persistent sessions are of no further use to the broker.
  await Promise.all(Array.from({ length: GATEWAYS }, (_, g) => forget(`${run}-node-${g}`)));
  process.exitCode = lost === 0 && duplicates === 0 && copied === burst && Number(perMeter.lo) === SECONDS + ROUNDS && Number(perMeter.hi) === SECONDS + ROUNDS ? 0 : 1;
}

await main();
