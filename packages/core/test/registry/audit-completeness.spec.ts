import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { multipart } from '../../src/testing/multipart.js';

/** Mutating routes that change no shared data, and why. */
const NOT_AUDITED: Record<string, string> = {
  'PUT /api/preferences/{key}': "a user's own screen layout, not registry data",
  'POST /api/imports': 'a dry run changes no data (the upload is kept for the commit, which is journalled)',
  'POST /api/legacy-imports': 'a dry run changes no data (the upload is kept for the commit, which is journalled)',
  'POST /api/concentrators/{id}/check': 'a connection test stores nothing',
  'POST /api/concentrators/{id}/scan': 'a bus scan stores nothing: it lists the meters that answer',
};

/**
 * Every create, update, delete, attach, detach and login is journalled (F17): each mutating
 * route of the route table is called once and must add an audit entry. A new mutating route
 * that this test does not call fails it.
 */
describe('audit completeness', () => {
  let app: TestApp;
  const covered = new Map<string, number>();

  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-example' }] });
  });
  after(() => app?.close());

  async function audited(cookie: string | undefined, method: string, url: string, payload?: unknown) {
    const before = Number((await app.database.knex('audit_log').count({ n: '*' }))[0]!.n);
    const res = await app.inject({ method, url, cookie, payload });
    expect(res.statusCode, `${method} ${url}: ${res.payload}`).to.be.lessThan(300);
    const after = Number((await app.database.knex('audit_log').count({ n: '*' }))[0]!.n);
    const route = app.server.match(method.toLowerCase() as never, url.split('?')[0]!)!;
    covered.set(`${method} ${route.path}`, after - before);
    return res.statusCode === 204 ? undefined : res.json();
  }

  it('journals every mutating route', async () => {
    const admin = (await app.loginAs('administrator'))!;
    const a = (m: string, u: string, p?: unknown) => audited(admin, m, u, p);

    const login = await audited(undefined, 'POST', '/api/auth/login', { email: 'admin@test.local', password: 'admin-password-1' });
    expect(login.role).to.equal('administrator');
    const user = await a('POST', '/api/users', { email: 'u@test.local', password: 'password-123', role: 'operator' });
    await a('PATCH', `/api/users/${user.id}`, { role: 'manager' });
    await a('PUT', '/api/settings', { staleDays: 30 });

    const b = await a('POST', '/api/buildings', { name: 'Аудит', address: 'ул. Аудита, 1' });
    await a('PATCH', `/api/buildings/${b.id}`, { notes: 'заметка' });
    await a('PUT', `/api/buildings/${b.id}`, { totalArea: 500 });
    const p = await a('POST', `/api/buildings/${b.id}/premises`, { number: '1', area: 50, kind: 'residential' });
    const free = await a('POST', '/api/premises', { number: '2', area: 60, kind: 'residential' });
    await a('PATCH', `/api/premises/${free.id}`, { floor: 2 });
    await a('PUT', `/api/premises/${free.id}`, { entrance: 1 });
    await a('PUT', `/api/premises/${free.id}/building`, { buildingId: b.id });
    await a('PUT', `/api/premises/${free.id}/building`, { buildingId: null });

    const h = await a('POST', `/api/buildings/${b.id}/heat-readings`, { date: '2024-01-01', value: 100 });
    await a('PATCH', `/api/buildings/${b.id}/heat-readings/${h.id}`, { value: 101 });
    await a('DELETE', `/api/buildings/${b.id}/heat-readings/${h.id}`);
    const n = await a('POST', `/api/buildings/${b.id}/norms`, { kind: 'residential', effectiveFrom: '2024-01-01', value: 0.02 });
    await a('PATCH', `/api/buildings/${b.id}/norms/${n.id}`, { value: 0.021 });
    await a('DELETE', `/api/buildings/${b.id}/norms/${n.id}`);

    const r1 = await a('POST', '/api/radiators', { model: 'Аудит-1', coefficient: 1 });
    const r2 = await a('POST', '/api/radiators', { model: 'Аудит-2', coefficient: 2 });
    await a('PATCH', `/api/radiators/${r2.id}`, { manufacturer: 'X' });
    await a('PUT', `/api/radiators/${r2.id}`, { width: 500 });

    const m = await a('POST', '/api/meters', { serial: 'AUD-1', deviceTypeId: 'core.heat-cost-allocator', radiatorId: r1.id });
    await a('PATCH', `/api/meters/${m.id}`, { notes: 'x' });
    await a('PUT', `/api/meters/${m.id}`, { address: '5' });
    await a('PUT', `/api/meters/${m.id}/premise`, { premiseId: p.id });
    await a('POST', `/api/meters/${m.id}/radiators`, { radiatorId: r2.id, from: '2024-01-01' });
    const rd = await a('POST', `/api/meters/${m.id}/readings`, { date: '2024-01-05', value: 10 });
    await a('PATCH', `/api/meters/${m.id}/readings/${rd.id}`, { value: 11 });
    await a('DELETE', `/api/meters/${m.id}/readings/${rd.id}`);
    await a('POST', `/api/meters/${m.id}/replace`, { date: '2024-02-01', newMeter: { serial: 'AUD-2' } });
    const loose = await a('POST', '/api/meters', { serial: 'AUD-3', deviceTypeId: 'core.water-meter', premiseId: p.id });
    await a('PUT', `/api/meters/${loose.id}/premise`, { premiseId: null });
    await a('DELETE', `/api/meters/${loose.id}`);
    await a('DELETE', `/api/premises/${free.id}`);
    const gone = await a('POST', '/api/buildings', { name: 'Удаляемый', address: 'x' });
    await a('DELETE', `/api/buildings/${gone.id}`);
    const c = await a('POST', '/api/concentrators', { buildingId: b.id, type: 'generic', driverId: 'example.fixture-file', settings: { path: '/nonexistent/readings.csv' } });
    await a('PATCH', `/api/concentrators/${c.id}`, { name: 'Подвал' });
    await a('PUT', `/api/concentrators/${c.id}`, { host: '10.0.0.5' });
    await a('PUT', `/api/concentrators/${c.id}/schedule`, { cron: '0 3 * * *' });
    await a('DELETE', `/api/concentrators/${c.id}/schedule`);
    await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/check`, cookie: admin });
    await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/scan`, cookie: admin });
    const poll = await a('POST', `/api/concentrators/${c.id}/poll`);
    for (let i = 0; i < 100 && (await app.inject({ method: 'GET', url: `/api/poll-runs/${poll.runId}`, cookie: admin })).json().outcome === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    await a('DELETE', `/api/concentrators/${c.id}`);
    const r3 = await a('POST', '/api/radiators', { model: 'Аудит-3', coefficient: 3 });
    await a('DELETE', `/api/radiators/${r3.id}`);
    const m2 = multipart({ buildingId: b.id }, { name: 'r.csv', content: Buffer.from('serial;date;value\nAUD-2;2024-02-10;5\n') });
    const dry = await app.inject({ method: 'POST', url: '/api/imports', cookie: admin, payload: m2.payload, headers: m2.headers });
    expect(dry.statusCode, dry.payload).to.equal(201);
    await a('POST', `/api/imports/${dry.json().id}/commit`, {});
    const m3 = multipart({}, { name: 'rad.csv', content: Buffer.from('model;coefficient\nАудит-4;1.5\n') });
    const radImport = await app.inject({ method: 'POST', url: '/api/radiators/import', cookie: admin, payload: m3.payload, headers: m3.headers });
    expect(radImport.statusCode, radImport.payload).to.equal(200);
    covered.set('POST /api/radiators/import', 1);
    expect(await app.database.knex('audit_log').where({ action: 'import', entity: 'radiator' }).first()).to.not.equal(undefined);
    const legacy = await (async () => {
      const ExcelJS = (await import('exceljs')).default;
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('Buildings').addRow(['name', 'address']);
      wb.getWorksheet('Buildings')!.addRow(['Аудит-старый', 'ул. 9']);
      const m4 = multipart({}, { name: 'old.xlsx', content: Buffer.from(await wb.xlsx.writeBuffer()) });
      return app.inject({ method: 'POST', url: '/api/legacy-imports', cookie: admin, payload: m4.payload, headers: m4.headers });
    })();
    expect(legacy.statusCode, legacy.payload).to.equal(201);
    await a('POST', `/api/legacy-imports/${legacy.json().id}/commit`);
    const run = await a('POST', '/api/reports/example.meter-list', { buildingId: b.id, from: '2024-01-01', to: '2024-01-31' });
    await a('DELETE', `/api/report-runs/${run.id}`);
    await a('POST', '/api/auth/logout');

    const missing: string[] = [];
    for (const route of app.server.table()) {
      if (!['post', 'put', 'patch', 'delete'].includes(route.method) || !route.path.startsWith('/api/')) continue;
      const key = `${route.method.toUpperCase()} ${route.path}`;
      if (NOT_AUDITED[key]) continue;
      const added = covered.get(key);
      if (added === undefined) missing.push(`${key}: not called by this test`);
      else if (added < 1) missing.push(`${key}: added no audit entry`);
    }
    expect(missing).to.deep.equal([]);
    const actions = new Set(await app.database.knex('audit_log').pluck('action'));
    expect([...actions].sort()).to.deep.equal(['attach', 'create', 'delete', 'detach', 'import', 'login', 'logout', 'poll', 'report', 'update']);
  });
});
