import 'reflect-metadata';
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.js';
import { migrateLatest } from '../../src/db/migrations.js';
import { CONCENTRATOR_TYPES } from '../../src/services/polling/concentrator-service.js';
import { freePort, waitForHealth } from '../../src/testing/processes.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
const CONCENTRATORS = 20;
const SLOTS = 3;


interface Node {
  child: ChildProcess;
  output: string;
  port: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Three `openamr serve` processes on one PostgreSQL schema, 20 concentrators on an
 * every-minute schedule for three minutes, one node killed with SIGKILL in the middle of its
 * polls: every slot is polled to completion exactly once (the killed node's slots by another
 * node after the lease), and every reading of the fixture files is stored exactly once.
 */
describe('polling across three nodes (PostgreSQL)', function () {
  this.timeout(6 * 60_000);
  let db: TestDatabase;
  let dir: string;
  const nodes: Node[] = [];

  before(async function () {
    if (!process.env.TEST_DATABASE_URL) this.skip(); // several processes need a server database
    db = await createTestDatabase();
    await migrateLatest(db.knex);
    dir = mkdtempSync(join(tmpdir(), 'amr-multinode-'));
  });
  after(async () => {
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL');
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('polls every slot exactly once and loses or doubles no reading when a node is killed mid-poll', async () => {
    const k = db.knex;
    const [b] = await k('buildings').insert({ name: 'Кластер', address: 'ул. Узловая, 3', time_zone: 'Asia/Yekaterinburg' }).returning('id');
    const [p] = await k('premises').insert({ building_id: b.id, number: '1', area: 40, kind: 'residential' }).returning('id');
    await k('device_types').insert({ id: 'core.water-meter', plugin_id: 'core', kind: 'water-meter', label: '{}', quantities: JSON.stringify([{ key: 'volume', unit: 'm3' }]), primary_quantity: 'volume' }).onConflict('id').ignore();
    const folders: string[] = [];
    for (let i = 0; i < CONCENTRATORS; i++) {
      await k('meters').insert({ serial: `MN-${i}`, device_type_id: 'core.water-meter', premise_id: p.id });
      const folder = join(dir, `c${i}`);
      mkdirSync(folder);
      writeFileSync(join(folder, 'f1.csv'), `serial;date;value\nMN-${i};01.02.2024;${100 + i}\n`);
      folders.push(folder);
      const [c] = await k('concentrators')
        .insert({ building_id: b.id, type: Object.keys(CONCENTRATOR_TYPES)[i % 8], driver_id: 'polling.folder', settings: JSON.stringify({ path: folder, delayMs: 1500 }) })
        .returning('id');
      await k('schedules').insert({ concentrator_id: c.id, cron: '* * * * *' });
    }
    writeFileSync(join(dir, 'openamr.config.json'), JSON.stringify({ plugins: [join(FIXTURES, 'polling.ts')] }));

    // Start the nodes right after a minute boundary, so none misses the first slot.
    await sleep(((61 - new Date().getUTCSeconds()) % 60) * 1000 + 500);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, ['--conditions=source', '--import', '@swc-node/register/esm-register', 'packages/core/src/cli/run.ts', 'serve'], {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: db.url,
          DATABASE_SCHEMA: db.schema,
          OPENAMR_CONFIG: join(dir, 'openamr.config.json'),
          OPENAMR_ADMIN_PASSWORD: 'cluster-password-1',
          OPENAMR_POLL_LEASE_MS: '5000',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const node: Node = { child, output: '', port };
      child.stdout!.on('data', (d) => (node.output += d));
      child.stderr!.on('data', (d) => (node.output += d));
      nodes.push(node);
      await waitForHealth(`http://127.0.0.1:${port}`, child, () => node.output, 60_000);
    }

    // The API is answered by every node: a session made on one works on the others (sessions live in the database).
    const login = await fetch(`http://127.0.0.1:${nodes[0]!.port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@openamr.local', password: 'cluster-password-1' }) });
    expect(login.status).to.equal(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    for (const n of nodes) {
      const list = await fetch(`http://127.0.0.1:${n.port}/api/buildings`, { headers: { cookie } }).then((r) => r.json() as Promise<{ items: Array<{ name: string }> }>);
      expect(list.items.map((b) => b.name)).to.deep.equal(['Кластер']);
    }

    const nextMinute = () => {
      const d = new Date();
      d.setUTCSeconds(60, 0);
      return d;
    };
    const slots: Date[] = [];
    let killed: { pid: number; runs: number } | undefined;
    for (let s = 0; s < SLOTS; s++) {
      const at = nextMinute();
      slots.push(at);
      await sleep(at.getTime() - Date.now() + 700);
      if (s === 1) {
        // The second slot: kill a node that is in the middle of polls.
        const running = await k('poll_runs').where({ outcome: 'running', trigger: 'schedule' }).select('node_id');
        const byPid = new Map<number, number>();
        for (const r of running) byPid.set(Number(String(r.node_id).split(':')[1]), (byPid.get(Number(String(r.node_id).split(':')[1])) ?? 0) + 1);
        const [pid, runs] = [...byPid].sort((a, b) => b[1] - a[1])[0] ?? [];
        expect(pid, 'a node is polling when the slot has just begun').to.be.a('number');
        const victim = nodes.find((n) => n.child.pid === pid)!;
        expect(runs).to.be.greaterThan(0);
        victim.child.kill('SIGKILL');
        await once(victim.child, 'exit');
        // What the node had running when it died (it may have started more since the count above).
        const left = await k('poll_runs').where({ outcome: 'running' }).select('node_id');
        killed = { pid: pid!, runs: left.filter((r) => Number(String(r.node_id).split(':')[1]) === pid).length };
      }
      // New files for the next slot, after this slot's polls (1.5 s a file) are done.
      await sleep(20_000);
      if (s < SLOTS - 1) for (let i = 0; i < CONCENTRATORS; i++) writeFileSync(join(folders[i]!, `f${s + 2}.csv`), `serial;date;value\nMN-${i};0${s + 2}.02.2024;${200 + 100 * s + i}\n`);
    }
    // Takeovers of the killed node's slots: lease 5 s, then a sweep; give them time to finish.
    for (let t = 0; t < 60; t++) {
      const open = await k('schedule_slots').whereNull('completed_at').count({ n: '*' });
      const running = await k('poll_runs').where({ outcome: 'running' }).count({ n: '*' });
      if (Number(open[0]!.n) === 0 && Number(running[0]!.n) === 0) break;
      await sleep(1000);
    }
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => (n.child.exitCode === null && n.child.signalCode === null ? once(n.child, 'exit') : undefined)));

    const slotRows = await k('schedule_slots').select('id', 'slot_at', 'claimed_by', 'completed_at');
    const ours = slotRows.filter((s) => slots.some((t) => new Date(s.slot_at).getTime() === t.getTime()));
    expect(ours, 'one slot row per schedule and minute').to.have.length(CONCENTRATORS * SLOTS);
    expect(ours.filter((s) => !s.completed_at), 'every slot completed').to.have.length(0);
    const runs = await k('poll_runs').where({ trigger: 'schedule' }).select('schedule_slot_id', 'node_id', 'outcome', 'error');
    for (const s of ours) {
      const done = runs.filter((r) => r.schedule_slot_id === s.id && r.outcome !== 'timeout');
      expect(done.map((r) => r.outcome), `slot ${s.slot_at}`).to.deep.equal(['ok']);
    }
    // Closed as abandoned: the runs the killed node had open — those counted right after it
    // died, and any whose start it had sent to PostgreSQL as it was killed (committed after
    // the count). A living node's run is closed so only when that node stalled past the
    // lease (an overloaded machine): its slot was then completed once by another run, as
    // the check of every slot above shows.
    const abandoned = runs.filter((r) => r.outcome === 'timeout');
    const pidOf = (r: { node_id: string }) => Number(String(r.node_id).split(':')[1]);
    const ofKilled = abandoned.filter((r) => pidOf(r) === killed!.pid);
    expect(ofKilled.length, 'the killed node’s runs, closed as abandoned').to.be.at.least(killed!.runs);
    for (const r of abandoned.filter((x) => pidOf(x) !== killed!.pid)) {
      expect(runs.filter((x) => x.schedule_slot_id === r.schedule_slot_id && x.outcome === 'ok'), `slot of ${r.node_id}'s abandoned run`).to.have.length(1);
    }
    expect(runs.filter((r) => pidOf(r) === killed!.pid && r.outcome !== 'ok' && r.outcome !== 'timeout'), 'the killed node left nothing open').to.deep.equal([]);
    const takenOver = ours.filter((s) => ofKilled.some((a) => a.schedule_slot_id === s.id));
    expect(takenOver.every((s) => Number(String(s.claimed_by).split(':')[1]) !== killed!.pid), 'completed by another node').to.equal(true);
    // Each node polled: the slots spread across the cluster.
    const perNode = new Map<string, number>();
    for (const r of runs) perNode.set(r.node_id, (perNode.get(r.node_id) ?? 0) + 1);
    expect(perNode.size).to.equal(3);

    const readings = await k('readings as r').join('meters as m', 'm.id', 'r.meter_id').select('m.serial', 'r.day', 'r.value');
    expect(readings).to.have.length(CONCENTRATORS * SLOTS);
    for (let i = 0; i < CONCENTRATORS; i++) {
      const mine = readings.filter((r) => r.serial === `MN-${i}`).map((r) => r.day).sort();
      expect(mine, `MN-${i}`).to.deep.equal(['2024-02-01', '2024-02-02', '2024-02-03']);
    }
  });
});
