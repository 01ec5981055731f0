import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '@openamr/core/testing';

/**
 * Issue 6 as a new user checks it: on the demo building, a Local Storage concentrator
 * pointed at a folder holding a readings file, «Считать сейчас» twice: the journal shows
 * both runs and the meter has each reading once.
 */
describe('ftp.local-storage on the demo building, «Считать сейчас» twice', () => {
  let app: TestApp;
  let cookie: string;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-ftp' }], config: { demo: true } });
    cookie = (await app.loginAs('manager'))!;
  });
  after(() => app?.close());

  const waitFor = async (runId: string) => {
    for (let i = 0; i < 400; i++) {
      const run = (await app.inject({ method: 'GET', url: `/api/poll-runs/${runId}`, cookie })).json();
      if (run.outcome !== 'running') return run;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the poll did not finish');
  };

  it('stores the file’s readings once and journals both runs', async () => {
    const buildingId = (await app.inject({ method: 'GET', url: '/api/buildings?q=Примерная', cookie })).json().items[0].id;
    const dir = mkdtempSync(join(tmpdir(), 'amr-demo-ls-'));
    writeFileSync(join(dir, 'export-2025-01-02.csv'), 'serial;date;value;unit;error_code\nВ1-ГВС;02.01.2025;88,123;m3;\nВ1-ХВС;02.01.2025;140,5;m3;\nA1-1;02.01.2025;2500;;\n');
    const created = await app.inject({ method: 'POST', url: '/api/concentrators', cookie, payload: { buildingId, type: 'generic', name: 'Папка выгрузки', driverId: 'ftp.local-storage', settings: { path: dir } } });
    expect(created.statusCode, created.payload).to.equal(201);
    const id = created.json().id;
    const check = (await app.inject({ method: 'POST', url: `/api/concentrators/${id}/check`, cookie })).json();
    expect(check.ok, check.message).to.equal(true);

    const first = await app.inject({ method: 'POST', url: `/api/concentrators/${id}/poll`, cookie });
    expect(first.statusCode).to.equal(202);
    expect(await waitFor(first.json().runId)).to.include({ outcome: 'ok', readingsStored: 3 });
    const second = await app.inject({ method: 'POST', url: `/api/concentrators/${id}/poll`, cookie });
    expect(await waitFor(second.json().runId)).to.include({ outcome: 'ok', readingsStored: 0 });

    const journal = (await app.inject({ method: 'GET', url: `/api/poll-runs?concentratorId=${id}`, cookie })).json();
    expect(journal.items.map((r: { id: string; outcome: string }) => [r.id, r.outcome])).to.deep.equal([
      [second.json().runId, 'ok'],
      [first.json().runId, 'ok'],
    ]);
    const meter = (await app.inject({ method: 'GET', url: `/api/search?serial=${encodeURIComponent('В1-ГВС')}`, cookie })).json().items[0];
    const readings = (await app.inject({ method: 'GET', url: `/api/meters/${meter.meterId}/readings?limit=1000`, cookie })).json();
    const jan2 = readings.items.filter((r: { date: string }) => r.date === '2025-01-02');
    expect(jan2).to.have.length(1);
    expect(jan2[0]).to.include({ value: '88.123', source: 'poll' });
    // The reading of the day is 00:00 in the building's time zone (Moscow).
    expect(new Date(jan2[0].takenAt).toISOString()).to.equal('2025-01-01T21:00:00.000Z');
  });
});
