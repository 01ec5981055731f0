import 'reflect-metadata';
import { expect } from 'chai';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { createApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { PollRunner } from '../../src/services/polling/poll-runner.js';
import { Scheduler } from '../../src/services/polling/scheduler.js';
import { PushListeners } from '../../src/services/polling/push-listeners.js';
import { seen } from '../fixtures/plugins/polling.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

/** A TCP peer on 127.0.0.1 that answers each connection with `answer` (or never answers). */
async function peer(answer: string | null): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    if (answer !== null) s.end(answer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

async function closedPort(): Promise<number> {
  const p = await peer('');
  await p.close();
  return p.port;
}

describe('polling: concentrators, poll runner, journal, scheduler', () => {
  let app: TestApp;
  let manager: string;
  let operator: string;
  let buildingId: string;
  let dir: string;

  const readingsOf = async (serial: string) =>
    (await app.database.knex('readings as r').join('meters as m', 'm.id', 'r.meter_id').where('m.serial', serial).orderBy('r.day').select('r.day', 'r.value', 'r.source', 'r.poll_run_id')) as Array<{ day: string; value: string; source: string; poll_run_id: string }>;

  async function finished(runId: string) {
    for (let i = 0; i < 400; i++) {
      const run = (await app.inject({ method: 'GET', url: `/api/poll-runs/${runId}`, cookie: operator })).json();
      if (run.outcome !== 'running') return run;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`run ${runId} did not finish`);
  }

  async function concentrator(driverId: string, settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const res = await app.inject({ method: 'POST', url: '/api/concentrators', cookie: manager, payload: { buildingId, type: 'indiv-x-total', driverId, settings, ...extra } });
    expect(res.statusCode, res.payload).to.equal(201);
    return res.json();
  }

  async function pollNow(id: string) {
    const res = await app.inject({ method: 'POST', url: `/api/concentrators/${id}/poll`, cookie: manager });
    expect(res.statusCode, res.payload).to.equal(202);
    return finished(res.json().runId);
  }

  before(async () => {
    app = await createTestApp({ plugins: [{ package: './polling.ts' }], baseDir: FIXTURES, config: { polling: { timeoutMs: 1500, retries: 2, retryDelayMs: 30 } } });
    manager = (await app.loginAs('manager'))!;
    operator = (await app.loginAs('operator'))!;
    const b = (await app.inject({ method: 'POST', url: '/api/buildings', cookie: manager, payload: { name: 'Опрос', address: 'ул. Опросная, 1', timeZone: 'Asia/Yekaterinburg' } })).json();
    buildingId = b.id;
    const p = (await app.inject({ method: 'POST', url: `/api/buildings/${b.id}/premises`, cookie: manager, payload: { number: '1', area: 40, kind: 'residential' } })).json();
    for (const serial of ['P-1', 'P-2']) {
      const m = await app.inject({ method: 'POST', url: '/api/meters', cookie: manager, payload: { serial, deviceTypeId: 'core.water-meter', premiseId: p.id } });
      expect(m.statusCode, m.payload).to.equal(201);
    }
    dir = mkdtempSync(join(tmpdir(), 'amr-poll-'));
  });
  after(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps driver secrets sealed at rest, out of answers and the audit log; validates settings by the driver', async () => {
    const c = await concentrator('polling.folder', { path: dir, password: 'pa$$-s3cret' }, { host: '10.1.2.3', port: 21, name: 'Щитовая' });
    expect(c).to.include({ buildingId, type: 'indiv-x-total', host: '10.1.2.3', port: 21, driverId: 'polling.folder', enabled: true });
    expect(c.settings).to.deep.equal({ path: dir, delayMs: 0 });
    expect(c.secretsSet).to.deep.equal(['password']);
    const row = await app.database.knex('concentrators').where({ id: c.id }).first('settings');
    expect(row.settings.password).to.match(/^enc:v1:/);
    expect(JSON.stringify(row)).not.to.contain('s3cret');
    // An edit without the secret keeps it; the driver gets it decrypted.
    const edited = (await app.inject({ method: 'PATCH', url: `/api/concentrators/${c.id}`, cookie: manager, payload: { settings: { delayMs: 1 } } })).json();
    expect(edited.settings).to.deep.equal({ path: dir, delayMs: 1 });
    expect(edited.secretsSet).to.deep.equal(['password']);
    seen.reset();
    await pollNow(c.id);
    expect(seen.settings[0]).to.include({ password: 'pa$$-s3cret', delayMs: 1 });
    const audit = await app.database.knex('audit_log').where({ entity: 'concentrator' }).select('before', 'after');
    expect(audit.length).to.be.greaterThan(1);
    expect(JSON.stringify(audit)).not.to.contain('s3cret');
    expect(JSON.stringify(audit)).not.to.contain('enc:v1');

    const bad = await app.inject({ method: 'PATCH', url: `/api/concentrators/${c.id}`, cookie: manager, payload: { settings: { path: 'relative/dir' } } });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().details.field).to.equal('settings.path');
    const unknown = await app.inject({ method: 'POST', url: '/api/concentrators', cookie: manager, payload: { buildingId, type: 'generic', driverId: 'nope.driver', settings: {} } });
    expect(unknown.statusCode).to.equal(400);
    expect(unknown.json().message).to.contain('Неизвестный драйвер «nope.driver»');
    const wrongType = await app.inject({ method: 'POST', url: '/api/concentrators', cookie: manager, payload: { buildingId, type: 'toaster', driverId: 'polling.folder', settings: { path: dir } } });
    expect(wrongType.statusCode).to.equal(400);
    expect((await app.inject({ method: 'POST', url: '/api/concentrators', cookie: operator, payload: { buildingId, type: 'generic', driverId: 'polling.folder', settings: { path: dir } } })).statusCode).to.equal(403);
    const check = (await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/check`, cookie: manager })).json();
    expect(check).to.include({ ok: true });
    await app.inject({ method: 'DELETE', url: `/api/concentrators/${c.id}`, cookie: manager });
  });

  it('validates a schedule and shows it in words with its next runs', async () => {
    const c = await concentrator('polling.folder', { path: dir });
    const wrong = await app.inject({ method: 'PUT', url: `/api/concentrators/${c.id}/schedule`, cookie: manager, payload: { cron: '61 * * * *' } });
    expect(wrong.statusCode).to.equal(400);
    expect(wrong.json().message).to.contain('Неверное расписание «61 * * * *»');
    const ok = await app.inject({ method: 'PUT', url: `/api/concentrators/${c.id}/schedule`, cookie: manager, payload: { cron: '*/15 * * * *' } });
    expect(ok.statusCode, ok.payload).to.equal(200);
    expect(ok.json()).to.include({ cron: '*/15 * * * *', enabled: true, description: 'Каждые 15 минут' });
    expect(ok.json().nextRuns).to.have.length(3);
    const en = await app.inject({ method: 'GET', url: `/api/cron-preview?cron=${encodeURIComponent('0 3 * * 1')}&timeZone=Asia/Yekaterinburg`, cookie: operator, headers: { 'accept-language': 'en' } });
    expect(en.json().description).to.equal('At 03:00, only on Monday');
    await app.inject({ method: 'DELETE', url: `/api/concentrators/${c.id}`, cookie: manager });
  });

  it('«Считать сейчас»: stores each file once with its cursor; a second poll finds nothing new; problems make a partial run', async () => {
    writeFileSync(join(dir, 'a-0101.csv'), 'serial;date;value\nP-1;01.01.2024;100\nP-2;01.01.2024;200\n');
    writeFileSync(join(dir, 'b-0102.csv'), 'serial;date;value\nP-1;02.01.2024;101\nP-2;02.01.2024;201\n');
    const c = await concentrator('polling.folder', { path: dir });
    seen.reset();
    const first = await pollNow(c.id);
    expect(first).to.include({ outcome: 'ok', readingsStored: 4, problemCount: 0, trigger: 'manual', attempts: 1 });
    expect(seen).to.include({ opened: 1, closed: 1 });
    const rows = await readingsOf('P-1');
    expect(rows.map((r) => [r.day, r.value, r.source, r.poll_run_id])).to.deep.equal([
      ['2024-01-01', '100', 'poll', first.id],
      ['2024-01-02', '101', 'poll', first.id],
    ]);
    expect((await app.database.knex('concentrators').where({ id: c.id }).first('cursor')).cursor).to.equal('b-0102.csv');
    const second = await pollNow(c.id);
    expect(second).to.include({ outcome: 'ok', readingsStored: 0 });
    writeFileSync(join(dir, 'c-0103.csv'), 'serial;date;value\nP-1;03.01.2024;102\nNOPE;03.01.2024;1\nP-2;03.01.2024;150\n');
    const third = await pollNow(c.id);
    expect(third).to.include({ outcome: 'partial', readingsStored: 1, problemCount: 2 });
    expect(third.problems.map((p: { code: string; line: number }) => [p.code, p.line])).to.deep.equal([
      ['unknown-meter', 3],
      ['value-decreased', 4],
    ]);
    expect(await readingsOf('P-1')).to.have.length(3);
    const journal = (await app.inject({ method: 'GET', url: `/api/poll-runs?concentratorId=${c.id}`, cookie: operator })).json();
    expect(journal.total).to.equal(3);
    expect(journal.items.map((r: { outcome: string }) => r.outcome)).to.deep.equal(['partial', 'ok', 'ok']);
    const stats = (await app.inject({ method: 'GET', url: `/api/concentrators/${c.id}/stats`, cookie: operator })).json();
    expect(stats).to.include({ successRate7d: 1, successRate30d: 1, runs7d: 3, runs30d: 3 });
    expect(stats.readingsPerRun30d).to.be.closeTo(5 / 3, 0.05);
    expect(stats.lastRun.id).to.equal(third.id);
    const silent = (await app.inject({ method: 'GET', url: `/api/buildings/${buildingId}/silent-meters?days=30`, cookie: operator })).json();
    // P-2's reading of the 3rd was refused: it is the longer silent.
    expect(silent.items.map((m: { serial: string; lastReadingDay: string }) => [m.serial, m.lastReadingDay])).to.deep.equal([
      ['P-2', '2024-01-02'],
      ['P-1', '2024-01-03'],
    ]);
    await app.inject({ method: 'DELETE', url: `/api/concentrators/${c.id}`, cookie: manager });
  });

  it('answers 409 to «Считать сейчас» while the concentrator is being polled', async () => {
    const slow = mkdtempSync(join(tmpdir(), 'amr-poll-slow-'));
    writeFileSync(join(slow, 'a.csv'), 'serial;date;value\nP-1;10.01.2024;110\n');
    const c = await concentrator('polling.folder', { path: slow, delayMs: 400 });
    const first = await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/poll`, cookie: manager });
    expect(first.statusCode).to.equal(202);
    const again = await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/poll`, cookie: manager });
    expect(again.statusCode).to.equal(409);
    expect(again.json().message).to.contain('Концентратор уже опрашивается');
    // F27: reading now and checking the connection are for managers and administrators.
    expect((await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/poll`, cookie: operator })).statusCode).to.equal(403);
    expect((await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/check`, cookie: operator })).statusCode).to.equal(403);
    expect((await finished(first.json().runId)).outcome).to.equal('ok');
    expect((await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/poll`, cookie: manager })).statusCode).to.equal(202);
  });

  it('journals a dead concentrator (after retries), a peer that never answers and one that talks nonsense, and the others go on', async () => {
    const silentPeer = await peer(null);
    const nonsense = await peer('HELLO\n');
    const good = await peer('OK\nP-2;11.01.2024;300\n');
    try {
      const dead = await concentrator('polling.tcp', { port: await closedPort() });
      const mute = await concentrator('polling.tcp', { port: silentPeer.port });
      const talker = await concentrator('polling.tcp', { port: nonsense.port });
      const fine = await concentrator('polling.tcp', { port: good.port });
      seen.reset();
      const started = await Promise.all([dead, mute, talker, fine].map((c) => app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/poll`, cookie: manager })));
      const runs = await Promise.all(started.map((s) => finished(s.json().runId)));
      expect(runs.map((r) => r.outcome)).to.deep.equal(['connection-error', 'timeout', 'protocol-error', 'ok']);
      expect(runs[0].attempts).to.equal(3);
      expect(runs[0].error).to.contain('ECONNREFUSED');
      expect(runs[1].error).to.contain('превышено время ожидания');
      expect(runs[2].error).to.contain('unexpected answer');
      expect(runs[3].readingsStored).to.equal(1);
      expect(seen.closed, 'every opened session closed once').to.equal(seen.opened);
      const leased = await app.database.knex('concentrators').whereNotNull('lease_owner').count({ n: '*' });
      expect(Number(leased[0]!.n), 'leases released').to.equal(0);
    } finally {
      await Promise.all([silentPeer.close(), nonsense.close(), good.close()]);
    }
  });

  it('journals wrong stored settings as config-error', async () => {
    const c = await concentrator('polling.folder', { path: dir });
    await app.database.knex('concentrators').where({ id: c.id }).update({ settings: JSON.stringify({ path: 42 }) });
    const run = await pollNow(c.id);
    expect(run.outcome).to.equal('config-error');
    expect(run.error).to.contain('Настройки драйвера polling.folder');
  });

  describe('scheduler', () => {
    let second: App;
    after(async () => {
      await second?.stop();
    });

    it('polls each slot exactly once with two nodes ticking, and hands a slot of a stopped node back', async function () {
      this.timeout(30_000);
      const folder = mkdtempSync(join(tmpdir(), 'amr-poll-sched-'));
      writeFileSync(join(folder, 'a.csv'), 'serial;date;value\nP-1;20.01.2024;120\n');
      const c = await concentrator('polling.folder', { path: folder });
      const put = await app.inject({ method: 'PUT', url: `/api/concentrators/${c.id}/schedule`, cookie: manager, payload: { cron: '* * * * * *' } });
      expect(put.statusCode, put.payload).to.equal(200);
      // A second node on the same database (its own runner, node id and scheduler).
      second = await createApp({ config: app.config, database: app.database, registries: app.registries, logger: createLogger('silent') });
      const nodes = [app.container.resolve(Scheduler), second.container.resolve(Scheduler)];
      await Promise.all(nodes.map((s) => s.start()));
      await new Promise((r) => setTimeout(r, 3500));
      await Promise.all(nodes.map((s) => s.stop()));
      await Promise.all([app.container.resolve(PollRunner).shutdown(), second.container.resolve(PollRunner).shutdown()]);
      const k = app.database.knex;
      const slots = await k('schedule_slots as s').join('schedules as sc', 'sc.id', 's.schedule_id').where('sc.concentrator_id', c.id).select('s.id', 's.slot_at', 's.claimed_by', 's.completed_at');
      expect(slots.length, 'a slot a second').to.be.within(2, 5);
      const runs = await k('poll_runs').where({ concentrator_id: c.id, trigger: 'schedule' }).select('schedule_slot_id', 'node_id', 'outcome');
      for (const s of slots) expect(runs.filter((r) => r.schedule_slot_id === s.id), `slot ${s.slot_at}`).to.have.length(1);
      expect(new Set(runs.map((r) => r.outcome))).to.deep.equal(new Set(['ok']));
      expect(await readingsOf('P-1')).to.satisfy((rows: Array<{ day: string }>) => rows.filter((r) => r.day === '2024-01-20').length === 1);

      // A slot claimed by a node that died (claim expired, no run finished) is taken over.
      const [schedule] = await k('schedules').where({ concentrator_id: c.id }).select('id');
      const [orphan] = await k('schedule_slots')
        .insert({ schedule_id: schedule.id, slot_at: new Date(Date.now() - 5 * 60_000), claimed_by: 'dead-node:1:abc', claimed_until: new Date(Date.now() - 1000) })
        .returning('id');
      writeFileSync(join(folder, 'b.csv'), 'serial;date;value\nP-1;21.01.2024;121\n');
      const fresh = await createApp({ config: app.config, database: app.database, registries: app.registries, logger: createLogger('silent') });
      const sweeper = fresh.container.resolve(Scheduler);
      await k('schedules').where({ id: schedule.id }).update({ enabled: false });
      await sweeper.start();
      for (let i = 0; i < 100 && !(await k('schedule_slots').where({ id: orphan.id }).first('completed_at')).completed_at; i++) await new Promise((r) => setTimeout(r, 50));
      await sweeper.stop();
      await fresh.container.resolve(PollRunner).shutdown();
      await fresh.stop();
      const taken = await k('schedule_slots').where({ id: orphan.id }).first();
      expect(taken.completed_at).to.not.equal(null);
      expect(taken.claimed_by).to.equal(fresh.container.resolve(PollRunner).nodeId);
      expect((await readingsOf('P-1')).filter((r) => r.day === '2024-01-21')).to.have.length(1);
    });

    it('polls a disabled schedule (or a disabled concentrator) never, and an enabled one again', async function () {
      this.timeout(30_000);
      const folder = mkdtempSync(join(tmpdir(), 'amr-poll-off-'));
      const c = await concentrator('polling.folder', { path: folder });
      const off = await app.inject({ method: 'PUT', url: `/api/concentrators/${c.id}/schedule`, cookie: manager, payload: { cron: '* * * * * *', enabled: false } });
      expect(off.statusCode, off.payload).to.equal(200);
      const shown = (await app.inject({ method: 'GET', url: `/api/concentrators/${c.id}/schedule`, cookie: operator })).json();
      expect(shown).to.include({ cron: '* * * * * *', enabled: false });
      const k = app.database.knex;
      const slotsOf = async () => Number((await k('schedule_slots as s').join('schedules as sc', 'sc.id', 's.schedule_id').where('sc.concentrator_id', c.id).count({ n: '*' }))[0]!.n);
      const scheduler = app.container.resolve(Scheduler);
      await scheduler.start();
      try {
        await new Promise((r) => setTimeout(r, 2500));
        expect(await slotsOf(), 'disabled schedule').to.equal(0);
        // Enabled schedule, disabled concentrator: still nothing.
        expect((await app.inject({ method: 'PATCH', url: `/api/concentrators/${c.id}`, cookie: manager, payload: { enabled: false } })).statusCode).to.equal(200);
        expect((await app.inject({ method: 'PUT', url: `/api/concentrators/${c.id}/schedule`, cookie: manager, payload: { cron: '* * * * * *', enabled: true } })).statusCode).to.equal(200);
        await scheduler.reload();
        await new Promise((r) => setTimeout(r, 2500));
        expect(await slotsOf(), 'disabled concentrator').to.equal(0);
        expect((await app.inject({ method: 'PATCH', url: `/api/concentrators/${c.id}`, cookie: manager, payload: { enabled: true } })).statusCode).to.equal(200);
        await scheduler.reload();
        for (let i = 0; i < 60 && (await slotsOf()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
        expect(await slotsOf(), 'enabled again').to.be.greaterThan(0);
      } finally {
        await scheduler.stop();
        await app.container.resolve(PollRunner).shutdown();
      }
    });

    /** A node polling a scheduled slot of a folder concentrator that takes `delayMs`, started and shut down with `graceMs`. */
    async function shutDownDuringPoll(day: string, delayMs: number, graceMs: number) {
      const folder = mkdtempSync(join(tmpdir(), 'amr-poll-stop-'));
      writeFileSync(join(folder, 'a.csv'), `serial;date;value\nP-2;${day};400\n`);
      const c = await concentrator('polling.folder', { path: folder, delayMs });
      const [schedule] = await app.database.knex('schedules').insert({ concentrator_id: c.id, cron: '0 0 1 1 *', enabled: false }).returning('id');
      const node = await createApp({ config: { ...app.config, polling: { ...app.config.polling, graceMs } }, database: app.database, registries: app.registries, logger: createLogger('silent') });
      const runner = node.container.resolve(PollRunner);
      const [slot] = await app.database.knex('schedule_slots').insert({ schedule_id: schedule.id, slot_at: new Date(), claimed_by: runner.nodeId, claimed_until: new Date(Date.now() + 60_000) }).returning('id');
      const { runId } = await runner.start(c.id, { kind: 'schedule', slotId: slot.id });
      const t = Date.now();
      await runner.shutdown();
      const ms = Date.now() - t;
      await node.stop();
      return { ms, run: await app.database.knex('poll_runs').where({ id: runId }).first(), slot: await app.database.knex('schedule_slots').where({ id: slot.id }).first() };
    }

    it('on shutdown waits for a poll that ends within the grace period: the run is ok and its slot completed', async () => {
      const { run, slot } = await shutDownDuringPoll('24.01.2024', 400, 5000);
      expect(run.outcome).to.equal('ok');
      expect(run.readings_stored).to.equal(1);
      expect(slot.completed_at).to.not.equal(null);
    });

    it('on shutdown aborts a poll that outlasts the grace period and hands its slot back', async () => {
      const { ms, run, slot } = await shutDownDuringPoll('25.01.2024', 5000, 200);
      expect(ms).to.be.lessThan(3000);
      expect(run.outcome).to.equal('timeout');
      expect(run.error).to.contain('узел завершает работу');
      expect(slot.completed_at).to.equal(null);
      expect(new Date(slot.claimed_until).getTime()).to.be.at.most(Date.now());
    });
  });

  describe('push drivers', () => {
    it('listens on one node only, stores each pushed reading once, journals the session and lets go on stop', async () => {
      const acks: string[] = [];
      const sockets = new Set<Socket>();
      const gateway = createServer((sock) => {
        sockets.add(sock);
        sock.on('data', (d) => acks.push(...String(d).trim().split('\n')));
        sock.on('error', () => undefined);
        sock.write('P-1;2024-05-01;500\nP-2;2024-05-01;600\nP-1;2024-05-02;501\nP-1;2024-05-01;500\n');
      });
      await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
      const port = (gateway.address() as { port: number }).port;
      const c = await concentrator('polling.push-tcp', { port });
      const other = await createApp({ config: app.config, database: app.database, registries: app.registries, logger: createLogger('silent') });
      const nodes = [app.container.resolve(PushListeners), other.container.resolve(PushListeners)];
      try {
        await Promise.all(nodes.map((n) => n.start()));
        for (let i = 0; i < 100 && acks.length < 4; i++) await new Promise((r) => setTimeout(r, 25));
        expect(acks).to.deep.equal(['ACK 1/0', 'ACK 1/0', 'ACK 1/0', 'ACK 0/1']);
        expect(nodes.flatMap((n) => n.listening)).to.deep.equal([c.id]);
        expect(sockets.size, 'one connection to the gateway').to.equal(1);
        const rows = await readingsOf('P-1');
        expect(rows.filter((r) => r.source === 'push').map((r) => [r.day, r.value])).to.deep.equal([
          ['2024-05-01', '500'],
          ['2024-05-02', '501'],
        ]);
        const runs = (await app.inject({ method: 'GET', url: `/api/poll-runs?concentratorId=${c.id}`, cookie: operator })).json().items;
        expect(runs).to.have.length(1);
        expect(runs[0]).to.include({ trigger: 'push', outcome: 'running', readingsStored: 3, duplicates: 1 });
      } finally {
        await Promise.all(nodes.map((n) => n.stop()));
        await other.stop();
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => gateway.close(() => r()));
      }
      const run = (await app.inject({ method: 'GET', url: `/api/poll-runs?concentratorId=${c.id}`, cookie: operator })).json().items[0];
      expect(run.outcome).to.equal('ok');
      expect((await app.database.knex('concentrators').where({ id: c.id }).first('lease_owner')).lease_owner).to.equal(null);
    });
  });
});
