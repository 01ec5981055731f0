import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { loadDemo } from '../../src/demo/load-demo.js';
import { AuditService } from '../../src/services/audit-service.js';
import { DEMO_METERS, DEMO_PREMISES } from '../../src/demo/demo-data.js';

describe('demo/load-demo', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp({ config: { demo: true } });
  });
  after(() => app?.close());

  describe('loadDemo()', () => {
    it('loads «ул. Примерная, 1» before start-up completes, with example 1 of the allocation spec', async () => {
      const cookie = await app.loginAs('operator');
      const list = (await app.inject({ method: 'GET', url: '/api/buildings?q=Примерная', cookie })).json();
      expect(list.items).to.have.length(1);
      expect(list.items[0]).to.include({ name: 'ул. Примерная, 1', totalArea: '460.0', premisesCount: 7, metersCount: 23 });
      const id = list.items[0].id;
      const tab = (await app.inject({ method: 'GET', url: `/api/buildings/${id}/premises`, cookie })).json();
      expect(tab.items.map((p: { number: string }) => p.number)).to.deep.equal(['Кв.1', 'Кв.2', 'Кв.3', 'Кв.4', 'Кв.5', 'Кв.6', 'Маг.1']);
      const heat = (await app.inject({ method: 'GET', url: `/api/buildings/${id}/heat-readings`, cookie })).json();
      expect(heat.items.map((h: { date: string; value: string }) => [h.date, h.value]).slice(-2)).to.deep.equal([
        ['2024-02-01', '2354.878'],
        ['2024-01-01', '2345.678'],
      ]);
      expect(heat.total).to.equal(13);
      const found = (await app.inject({ method: 'GET', url: '/api/search?serial=A4-3', cookie })).json().items[0];
      const meter = (await app.inject({ method: 'GET', url: `/api/meters/${found.meterId}`, cookie })).json();
      expect(meter).to.include({ radiatorCoefficient: '1.4', premiseNumber: 'Кв.4' });
      const readings = await app.database.knex('readings').count({ n: '*' });
      expect(Number(readings[0]!.n)).to.equal(DEMO_PREMISES.flatMap((p) => p.allocators.flatMap((a) => a.readings)).length + DEMO_METERS.flatMap((m) => m.readings).length);
    });

    it('shows a heat meter’s current values: every quantity with its unit and time (F29)', async () => {
      const cookie = await app.loginAs('operator');
      const found = (await app.inject({ method: 'GET', url: `/api/search?serial=${encodeURIComponent('ТС6-1')}`, cookie })).json().items[0];
      const meter = (await app.inject({ method: 'GET', url: `/api/meters/${found.meterId}`, cookie })).json();
      const last = DEMO_METERS.find((m) => m.serial === 'ТС6-1')!.readings.at(-1)!;
      expect(meter.currentValues.map((v: { key: string; value: string; unit: string; date: string }) => [v.key, v.value, v.unit, v.date])).to.deep.equal([
        ['energy', last[1], 'GJ', last[0]],
        ['volume', last[2]!.volume, 'm3', last[0]],
        ['flowTemperature', '70.5', '°C', last[0]],
        ['returnTemperature', '45.2', '°C', last[0]],
        ['power', '4.1', 'kW', last[0]],
        ['flow', '0.14', 'm3/h', last[0]],
      ]);
      expect(meter.currentValues[0].label).to.equal('Энергия');
    });

    it('is a no-op the second time', async () => {
      const before = await app.database.knex('readings').count({ n: '*' });
      const result = await loadDemo(app.database.knex, app.container.resolve(AuditService));
      expect(result.loaded).to.equal(false);
      expect(await app.database.knex('readings').count({ n: '*' })).to.deep.equal(before);
      expect(Number((await app.database.knex('buildings').count({ n: '*' }))[0]!.n)).to.equal(1);
    });
  });
});
