import { expect } from 'chai';
import { createTestApp, type TestApp } from '@openamr/core/testing';
import plugin from '../src/index.js';
import { startFtpServer, type TestFtpServer } from './ftp-server.js';
import { tempDir, writeCsv } from './helpers.js';

describe('plugin-ftp', () => {
  let app: TestApp;
  let manager: string;
  let operator: string;
  let buildingId: string;
  let root: string;
  let server: TestFtpServer;

  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-ftp' }] });
    manager = (await app.loginAs('manager'))!;
    operator = (await app.loginAs('operator'))!;
    buildingId = (await app.inject({ method: 'POST', url: '/api/buildings', cookie: manager, payload: { name: 'Дом FTP', address: 'ул. Файловая, 1' } })).json().id;
    const premise = (await app.inject({ method: 'POST', url: `/api/buildings/${buildingId}/premises`, cookie: manager, payload: { number: '1', area: 40, kind: 'residential' } })).json();
    for (const [serial, deviceTypeId] of [['HCA-1', 'core.heat-cost-allocator'], ['W-1', 'core.water-meter']]) {
      const m = await app.inject({ method: 'POST', url: '/api/meters', cookie: manager, payload: { serial, deviceTypeId, premiseId: premise.id } });
      expect(m.statusCode, m.payload).to.equal(201);
    }
    root = tempDir();
    writeCsv(root, '2024-02-01.csv', ['HCA-1;01.02.2024;1710;units;', 'W-1;01.02.2024;12,5;m3;'], '2024-02-01T12:00:00Z');
    server = await startFtpServer({ root });
  });
  after(async () => {
    await server?.close();
    await app?.close();
  });

  async function pollNow(id: string) {
    const res = await app.inject({ method: 'POST', url: `/api/concentrators/${id}/poll`, cookie: manager });
    expect(res.statusCode, res.payload).to.equal(202);
    for (let i = 0; i < 400; i++) {
      const run = (await app.inject({ method: 'GET', url: `/api/poll-runs/${res.json().runId}`, cookie: operator })).json();
      if (run.outcome !== 'running') return run;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the poll did not finish');
  }

  it('declares itself without side effects and is listed with its three drivers', async () => {
    expect(Object.isFrozen(plugin)).to.equal(true);
    const res = await app.inject({ method: 'GET', url: '/api/plugins', cookie: operator });
    expect(res.json().items.find((p: { id: string }) => p.id === 'ftp')).to.deep.include({
      name: '@openamr/plugin-ftp',
      readerDrivers: ['ftp.indiv-x-total', 'ftp.sonocollect', 'ftp.local-storage'],
    });
  });

  it('polls an INDIV-X-Total over FTP through the core: readings stored once, the cursor kept, the password sealed', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/concentrators',
      cookie: manager,
      payload: { buildingId, type: 'indiv-x-total', host: '127.0.0.1', port: server.port, driverId: 'ftp.indiv-x-total', settings: { user: 'reader', password: 'secret' } },
    });
    expect(created.statusCode, created.payload).to.equal(201);
    const c = created.json();
    expect(c.settings).not.to.have.property('password');
    expect(c.secretsSet).to.deep.equal(['password']);

    const run = await pollNow(c.id);
    expect(run, JSON.stringify(run)).to.include({ outcome: 'ok', readingsStored: 2 });
    const row = await app.database.knex('concentrators').where({ id: c.id }).first();
    expect(JSON.stringify(row.settings)).not.to.contain('"secret"');
    expect(JSON.parse(row.cursor).files.map((f: unknown[]) => f[0])).to.deep.equal(['2024-02-01.csv']);

    const again = await pollNow(c.id);
    expect(again).to.include({ outcome: 'ok', readingsStored: 0 });
    // The cursor lost (a restored backup, a reset concentrator): the file is downloaded again and stores nothing new.
    await app.database.knex('concentrators').where({ id: c.id }).update({ cursor: null });
    const lost = await pollNow(c.id);
    expect(lost).to.include({ outcome: 'ok', readingsStored: 0, duplicates: 2 });
    const stored = await app.database.knex('readings as r').join('meters as m', 'm.id', 'r.meter_id').join('premises as p', 'p.id', 'm.premise_id').where('p.building_id', buildingId).count({ n: '*' });
    expect(Number(stored[0]!.n)).to.equal(2);
  });

  it('journals a wrong password as a connection error', async () => {
    const c = (
      await app.inject({
        method: 'POST',
        url: '/api/concentrators',
        cookie: manager,
        payload: { buildingId, type: 'sonocollect-110', host: '127.0.0.1', port: server.port, driverId: 'ftp.sonocollect', settings: { user: 'reader', password: 'wrong' } },
      })
    ).json();
    const run = await pollNow(c.id);
    expect(run.outcome).to.equal('connection-error');
    expect(run.error).to.contain('отклонил вход');
  });
});
