import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

describe('server/routes/report-routes', () => {
  let app: TestApp;
  let buildingId: string;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-example' }] });
    const manager = await app.loginAs('manager');
    buildingId = (await app.inject({ method: 'POST', url: '/api/buildings', cookie: manager, payload: { name: 'Отчетный', address: 'ул. 1' } })).json().id;
  });
  after(() => app?.close());

  it('lists the generators of the loaded plugins', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/reports', cookie: await app.loginAs('operator') });
    expect(res.json().items).to.deep.include({
      id: 'example.meter-list',
      label: { ru: 'Пример: список приборов', en: 'Example: meter list' },
      labelText: 'Пример: список приборов',
      formats: ['csv', 'json'],
      pluginId: 'example',
    });
  });

  it('generates as an operator, archives the run and serves the file again', async () => {
    const operator = await app.loginAs('operator');
    const res = await app.inject({ method: 'POST', url: '/api/reports/example.meter-list', cookie: operator, payload: { buildingId, from: '2024-01-01', to: '2024-01-31' } });
    expect(res.statusCode, res.payload).to.equal(201);
    const run = res.json();
    expect(run).to.include({ generatorId: 'example.meter-list', buildingId, fileName: 'Приборы Отчетный на 2024-01-31.csv', createdBy: 'operator@test.local' });
    expect(run.params).to.deep.equal({ buildingId, from: '2024-01-01', to: '2024-01-31', format: 'csv' });
    expect(run.durationMs).to.be.a('number');
    const file = await app.inject({ method: 'GET', url: `/api/report-runs/${run.id}/file`, cookie: operator });
    expect(file.statusCode).to.equal(200);
    expect(file.headers['content-type']).to.contain('text/csv');
    expect(file.headers['content-disposition']).to.contain(`filename*=UTF-8''${encodeURIComponent('Приборы Отчетный на 2024-01-31.csv')}`);
    expect(file.payload).to.contain('Помещение;Серийный номер');
    const list = (await app.inject({ method: 'GET', url: `/api/report-runs?buildingId=${buildingId}`, cookie: operator })).json();
    expect(list.items.map((i: { id: string }) => i.id)).to.include(run.id);
    expect((await app.inject({ method: 'DELETE', url: `/api/report-runs/${run.id}`, cookie: operator })).statusCode).to.equal(403);
    expect((await app.inject({ method: 'DELETE', url: `/api/report-runs/${run.id}`, cookie: await app.loginAs('manager') })).statusCode).to.equal(204);
    expect((await app.inject({ method: 'GET', url: `/api/report-runs/${run.id}/file`, cookie: operator })).statusCode).to.equal(404);
  });

  it('answers the file itself with ?download=true', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/reports/example.meter-list?download=true', cookie: await app.loginAs('operator'), payload: { buildingId, from: '2024-01-01', to: '2024-01-31', format: 'json' } });
    expect(res.statusCode).to.equal(201);
    expect(res.headers['content-type']).to.contain('application/json');
    expect(res.headers['x-report-run-id']).to.be.a('string');
    expect(JSON.parse(res.payload).building).to.equal('Отчетный');
  });

  it('previews with ?preview=true: the run answered, nothing archived or audited', async () => {
    const k = app.database.knex;
    const count = async (t: string) => Number((await k(t).count({ n: '*' }))[0]!.n);
    const cookie = await app.loginAs('operator');
    const [runs, audit] = [await count('report_runs'), await count('audit_log')];
    const res = await app.inject({ method: 'POST', url: '/api/reports/example.meter-list?preview=true', cookie, payload: { buildingId, from: '2024-01-01', to: '2024-01-31', format: 'json' } });
    expect(res.statusCode, res.payload).to.equal(200);
    expect(res.json()).to.include({ id: null, generatorId: 'example.meter-list', buildingId });
    expect(res.json().fileName).to.be.a('string');
    expect([await count('report_runs'), await count('audit_log')]).to.deep.equal([runs, audit]);
  });

  it('refuses bad params naming the field, an unknown report, and an unknown building — archiving nothing', async () => {
    const cookie = await app.loginAs('operator');
    const before = (await app.inject({ method: 'GET', url: '/api/report-runs', cookie })).json().total;
    const bad = await app.inject({ method: 'POST', url: '/api/reports/example.meter-list', cookie, payload: { buildingId, from: '2024-02-30', to: '2024-01-31' } });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().details.field).to.equal('from');
    expect((await app.inject({ method: 'POST', url: '/api/reports/nobody.report', cookie, payload: {} })).statusCode).to.equal(404);
    const gone = await app.inject({ method: 'POST', url: '/api/reports/example.meter-list', cookie, payload: { buildingId: '00000000-0000-4000-8000-000000000000', from: '2024-01-01', to: '2024-01-31' } });
    expect(gone.statusCode).to.equal(404);
    expect(gone.json().message).to.equal('Объект не найден');
    expect((await app.inject({ method: 'GET', url: '/api/report-runs', cookie })).json().total).to.equal(before);
  });
});
