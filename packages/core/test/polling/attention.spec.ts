import 'reflect-metadata';
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

/** dd.mm.yyyy of `n` days before today in Moscow. */
function daysAgo(n: number): string {
  const d = new Date(Date.now() + 3 * 3_600_000 - n * 86_400_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`;
}

describe('polling: what needs attention (B2)', () => {
  let app: TestApp;
  let manager: string;
  let operator: string;
  let dir: string;

  async function finished(runId: string) {
    for (let i = 0; i < 400; i++) {
      const run = (await app.inject({ method: 'GET', url: `/api/poll-runs/${runId}`, cookie: operator })).json();
      if (run.outcome !== 'running') return run;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`run ${runId} did not finish`);
  }
  async function pollNow(id: string) {
    const res = await app.inject({ method: 'POST', url: `/api/concentrators/${id}/poll`, cookie: manager });
    expect(res.statusCode, res.payload).to.equal(202);
    return finished(res.json().runId);
  }

  before(async () => {
    app = await createTestApp({ plugins: [{ package: './polling.ts' }], baseDir: FIXTURES, config: { polling: { timeoutMs: 1500, retries: 0, retryDelayMs: 10 } } });
    manager = (await app.loginAs('manager'))!;
    operator = (await app.loginAs('operator'))!;
    dir = mkdtempSync(join(tmpdir(), 'amr-attention-'));
  });
  after(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts silent meters per building and per the concentrator they came through, lists failing concentrators, and the meters at risk before the billing day', async () => {
    const post = async (url: string, payload: unknown) => {
      const res = await app.inject({ method: 'POST', url, cookie: manager, payload });
      expect(res.statusCode, `${url}: ${res.payload}`).to.be.lessThan(300);
      return res.json();
    };
    const a = await post('/api/buildings', { name: 'Внимание А', address: 'x', timeZone: 'Europe/Moscow' });
    const quiet = await post('/api/buildings', { name: 'Внимание Б', address: 'y', timeZone: 'Europe/Moscow' });
    const pa = await post(`/api/buildings/${a.id}/premises`, { number: '1', area: 40, kind: 'residential' });
    const pb = await post(`/api/buildings/${quiet.id}/premises`, { number: '1', area: 40, kind: 'residential' });
    for (const serial of ['A-1', 'A-2', 'A-3', 'A-4']) await post('/api/meters', { serial, deviceTypeId: 'core.water-meter', premiseId: pa.id });
    await post('/api/meters', { serial: 'B-1', deviceTypeId: 'core.water-meter', premiseId: pb.id });
    // A-1 read yesterday, A-2 and A-3 ten days ago (both through the folder concentrator), A-4 never; B-1 yesterday by hand.
    writeFileSync(join(dir, 'a.csv'), `serial;date;value\nA-1;${daysAgo(10)};1\nA-2;${daysAgo(10)};2\nA-3;${daysAgo(10)};3\nA-1;${daysAgo(1)};4\n`);
    const folder = await post('/api/concentrators', { buildingId: a.id, type: 'indiv-x-total', driverId: 'polling.folder', settings: { path: dir }, name: 'Щитовая' });
    expect(await pollNow(folder.id)).to.include({ outcome: 'ok', readingsStored: 4 });
    const b1 = (await app.database.knex('meters').where({ serial: 'B-1' }).first('id')).id;
    const yesterday = daysAgo(1).split('.').reverse().join('-');
    await post(`/api/meters/${b1}/readings`, { date: yesterday, value: 5 });

    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const dead = await post('/api/concentrators', { buildingId: quiet.id, type: 'generic', driverId: 'polling.tcp', settings: { port }, name: 'Мертвый' });
    expect((await pollNow(dead.id)).outcome).to.equal('connection-error');
    expect((await pollNow(dead.id)).outcome).to.equal('connection-error');

    const res = await app.inject({ method: 'GET', url: '/api/attention?days=3', cookie: operator });
    expect(res.statusCode, res.payload).to.equal(200);
    const body = res.json();
    expect(body.silentBuildings).to.have.length(1);
    const silent = body.silentBuildings[0];
    expect(silent).to.deep.include({ buildingId: a.id, buildingName: 'Внимание А', meters: 4, silent: 3 });
    expect(silent.concentrators.map((c: { name: string | null; silent: number; meters: number }) => [c.name, c.silent, c.meters])).to.deep.equal([
      ['Щитовая', 2, 3],
      [null, 1, 1],
    ]);
    expect(silent.concentrators[0].silentSince).to.equal(daysAgo(10).split('.').reverse().join('-'));
    expect(body.failingConcentrators).to.have.length(1);
    expect(body.failingConcentrators[0]).to.deep.include({ concentratorId: dead.id, name: 'Мертвый', buildingId: quiet.id, lastOutcome: 'connection-error', lastOkAt: null, failedInRow: 2 });
    expect(body.billing).to.deep.include({ day: 25, metersAtRisk: 3 });
    expect(body.billing.daysLeft).to.be.within(0, 31);

    // A building of its own; a billing day of today is 0 days away.
    const today = new Date();
    const own = (await app.inject({ method: 'GET', url: `/api/attention?days=3&buildingId=${quiet.id}&billingDay=${today.getUTCDate()}`, cookie: operator })).json();
    expect(own.silentBuildings).to.deep.equal([]);
    expect(own.failingConcentrators.map((c: { concentratorId: string }) => c.concentratorId)).to.deep.equal([dead.id]);
    expect(own.billing).to.deep.include({ daysLeft: 0, next: today.toISOString().slice(0, 10) });
    // The stale-days setting is the default silence.
    await app.inject({ method: 'PUT', url: '/api/settings', cookie: (await app.loginAs('administrator'))!, payload: { staleDays: 20 } });
    expect((await app.inject({ method: 'GET', url: '/api/attention', cookie: operator })).json()).to.deep.include({ days: 20 });
    expect((await app.inject({ method: 'GET', url: '/api/attention?billingDay=32', cookie: operator })).statusCode).to.equal(400);
  });
});
