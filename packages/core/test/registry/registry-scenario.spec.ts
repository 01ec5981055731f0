import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** What a new user does through the API (issue: registry), as a manager and then as an operator. */
describe('registry (scenario)', () => {
  let app: TestApp;
  let manager: string;
  let operator: string;
  before(async () => {
    app = await createTestApp();
    manager = (await app.loginAs('manager'))!;
    operator = (await app.loginAs('operator'))!;
  });
  after(() => app?.close());

  const call = (cookie: string, method: string, url: string, payload?: unknown) => app.inject({ method, url, cookie, payload });

  it('creates a building, a free premise and a free meter, attaches them, adds readings and watches the state', async () => {
    const b = await call(manager, 'POST', '/api/buildings', { name: 'ул. Новая, 5', address: 'г. Москва, ул. Новая, д. 5', totalArea: '1234.5' });
    expect(b.statusCode).to.equal(201);
    const building = b.json();
    expect(building).to.include({ name: 'ул. Новая, 5', totalArea: '1234.5', timeZone: 'Europe/Moscow' });

    const p = await call(manager, 'POST', '/api/premises', { number: '12', area: 54.3, kind: 'residential', floor: 3, entrance: 1, accountNumber: 'ЛС-0012' });
    expect(p.statusCode).to.equal(201);
    const premise = p.json();
    expect(premise.buildingId).to.equal(null);
    expect((await call(manager, 'GET', '/api/premises?free=true')).json().items.map((i: { id: string }) => i.id)).to.include(premise.id);

    const m = await call(manager, 'POST', '/api/meters', { serial: 'HCA-777001', deviceTypeId: 'core.water-meter', waterMedium: 'hot' });
    expect(m.statusCode).to.equal(201);
    const meter = m.json();
    expect(meter).to.include({ premiseId: null, state: 'stale', waterMedium: 'hot' });

    expect((await call(manager, 'PUT', `/api/premises/${premise.id}/building`, { buildingId: building.id })).statusCode).to.equal(200);
    expect((await call(manager, 'PUT', `/api/meters/${meter.id}/premise`, { premiseId: premise.id })).statusCode).to.equal(200);

    const old = await call(manager, 'POST', `/api/meters/${meter.id}/readings`, { date: daysAgo(40), value: '10.5' });
    expect(old.statusCode).to.equal(201);
    expect(old.json()).to.include({ date: daysAgo(40), value: '10.5', unit: 'm3', source: 'manual' });
    // 00:00 Moscow time (UTC+3) is 21:00 UTC of the day before.
    expect(new Date(old.json().takenAt).toISOString()).to.equal(new Date(`${daysAgo(40)}T00:00:00+03:00`).toISOString());
    expect((await call(operator, 'GET', `/api/meters/${meter.id}`)).json().state).to.equal('stale');

    const fresh = await call(manager, 'POST', `/api/meters/${meter.id}/readings`, { date: today(), value: 12 });
    expect(fresh.statusCode).to.equal(201);
    expect((await call(operator, 'GET', `/api/meters/${meter.id}`)).json()).to.deep.include({ state: 'ok', premiseNumber: '12', buildingName: 'ул. Новая, 5' });

    const withError = await call(manager, 'PATCH', `/api/meters/${meter.id}/readings/${fresh.json().id}`, { errorCode: 'E1' });
    expect(withError.statusCode).to.equal(200);
    const card = (await call(operator, 'GET', `/api/meters/${meter.id}`)).json();
    expect(card).to.include({ state: 'error', errorCode: 'E1', errorDate: today(), errorDescription: 'Утечка' });

    const list = (await call(operator, 'GET', '/api/buildings?q=Новая')).json();
    expect(list.total).to.equal(1);
    expect(list.items[0]).to.include({ premisesCount: 1, metersCount: 1, totalArea: '1234.5' });

    const tab = (await call(operator, 'GET', `/api/buildings/${building.id}/premises`)).json();
    expect(tab.items[0]).to.deep.include({ number: '12', metersCount: 1, accountNumber: 'ЛС-0012' });
    expect(tab.items[0].meters).to.deep.equal([{ id: meter.id, serial: 'HCA-777001', deviceTypeId: 'core.water-meter', state: 'error' }]);

    const found = (await call(operator, 'GET', '/api/search?serial=HCA-777')).json();
    expect(found.items).to.deep.equal([
      { meterId: meter.id, serial: 'HCA-777001', state: 'error', deviceTypeId: 'core.water-meter', premiseId: premise.id, premiseNumber: '12', buildingId: building.id, buildingName: 'ул. Новая, 5' },
    ]);

    const readings = (await call(operator, 'GET', `/api/meters/${meter.id}/readings`)).json();
    expect(readings.total).to.equal(2);
    expect(readings.items.map((r: { date: string }) => r.date)).to.deep.equal([today(), daysAgo(40)]);
    expect(readings.items[0].createdBy).to.equal('manager@test.local');
  });

  it('lets the operator read everything and change nothing', async () => {
    const buildings = await call(operator, 'GET', '/api/buildings');
    expect(buildings.statusCode).to.equal(200);
    const id = buildings.json().items[0].id;
    for (const [method, url, payload] of [
      ['POST', '/api/buildings', { name: 'x', address: 'y' }],
      ['PATCH', `/api/buildings/${id}`, { name: 'z' }],
      ['DELETE', `/api/buildings/${id}`, undefined],
      ['POST', '/api/premises', { number: '1', area: 1, kind: 'residential' }],
      ['POST', '/api/meters', { serial: 'S', deviceTypeId: 'core.water-meter' }],
    ] as const) {
      const res = await call(operator, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).to.equal(403);
    }
    expect((await call(operator, 'GET', `/api/buildings/${id}`)).json().name).to.equal('ул. Новая, 5');
  });
});
