import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

describe('registry (rules)', () => {
  let app: TestApp;
  let cookie: string;
  before(async () => {
    app = await createTestApp();
    cookie = (await app.loginAs('manager'))!;
  });
  after(() => app?.close());

  const call = (method: string, url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, cookie, payload, headers: lang ? { 'accept-language': lang } : undefined });
  const create = async (url: string, payload: unknown) => {
    const res = await call('POST', url, payload);
    expect(res.statusCode, res.payload).to.equal(201);
    return res.json();
  };

  describe('buildings', () => {
    it('sorts, filters and pages the list with counts from SQL', async () => {
      for (const [name, area] of [['Б-дом', '300'], ['А-дом', '100'], ['В-дом', '200']]) await create('/api/buildings', { name, address: `адрес ${name}`, totalArea: area });
      const byArea = (await call('GET', '/api/buildings?sort=-totalArea&limit=2')).json();
      expect(byArea.total).to.equal(3);
      expect(byArea.items.map((b: { name: string }) => b.name)).to.deep.equal(['Б-дом', 'В-дом']);
      const page2 = (await call('GET', '/api/buildings?sort=name&limit=2&offset=2')).json();
      expect(page2.items.map((b: { name: string }) => b.name)).to.deep.equal(['В-дом']);
      const bad = await call('GET', '/api/buildings?sort=color');
      expect(bad.statusCode).to.equal(400);
      expect(bad.json().message).to.contain('Нельзя сортировать по полю «color»');
    });

    it('refuses to delete a building with premises, in Russian and English', async () => {
      const b = await create('/api/buildings', { name: 'С помещением', address: 'ул. 1' });
      await create(`/api/buildings/${b.id}/premises`, { number: '1', area: 10, kind: 'residential' });
      const ru = await call('DELETE', `/api/buildings/${b.id}`);
      expect(ru.statusCode).to.equal(409);
      expect(ru.json().message).to.equal('Нельзя удалить объект «С помещением»: к нему привязано помещений: 1. Сначала отвяжите или удалите их.');
      const en = await call('DELETE', `/api/buildings/${b.id}`, undefined, 'en');
      expect(en.json().message).to.equal('Cannot delete building "С помещением": 1 premises are attached. Detach or delete them first.');
      expect((await call('GET', `/api/buildings/${b.id}`)).statusCode).to.equal(200);
    });

    it('answers 404 for an unknown id and 400 naming the field for a malformed one', async () => {
      expect((await call('GET', '/api/buildings/00000000-0000-4000-8000-000000000000')).statusCode).to.equal(404);
      const bad = await call('GET', '/api/buildings/42');
      expect(bad.statusCode).to.equal(400);
      expect(bad.json().field).to.equal('id');
      const area = await call('POST', '/api/buildings', { name: 'x', address: 'y', totalArea: 'много' });
      expect(area.statusCode).to.equal(400);
      expect(area.json().field).to.equal('totalArea');
    });
  });

  describe('premises', () => {
    it('refuses a duplicate number in one building, attaching an attached premise, and deleting one with meters', async () => {
      const b1 = await create('/api/buildings', { name: 'Дом-1', address: 'a' });
      const b2 = await create('/api/buildings', { name: 'Дом-2', address: 'b' });
      await create(`/api/buildings/${b1.id}/premises`, { number: '5', area: 40, kind: 'residential' });
      const dup = await call('POST', `/api/buildings/${b1.id}/premises`, { number: '5', area: 41, kind: 'residential' });
      expect(dup.statusCode).to.equal(409);
      expect(dup.json().message).to.equal('В этом объекте уже есть помещение с номером 5');
      const free = await create('/api/premises', { number: '5', area: 41, kind: 'non-residential' });
      expect((await call('PUT', `/api/premises/${free.id}/building`, { buildingId: b1.id })).statusCode).to.equal(409);
      expect((await call('PUT', `/api/premises/${free.id}/building`, { buildingId: b2.id })).statusCode).to.equal(200);
      const moved = await call('PUT', `/api/premises/${free.id}/building`, { buildingId: b1.id });
      expect(moved.statusCode).to.equal(409);
      expect(moved.json().message).to.contain('Сначала отвяжите его');
      const meter = await create('/api/meters', { serial: 'P-DEL-1', deviceTypeId: 'core.water-meter', premiseId: free.id });
      expect((await call('DELETE', `/api/premises/${free.id}`)).statusCode).to.equal(409);
      expect((await call('PUT', `/api/meters/${meter.id}/premise`, { premiseId: null })).statusCode).to.equal(200);
      expect((await call('DELETE', `/api/premises/${free.id}`)).statusCode).to.equal(204);
    });

    it('searches the premises tab by any column and by meter serial', async () => {
      const b = await create('/api/buildings', { name: 'Поиск', address: 'c' });
      const p1 = await create(`/api/buildings/${b.id}/premises`, { number: '101', area: '33.3', kind: 'residential', floor: 7, accountNumber: 'AC-555' });
      await create(`/api/buildings/${b.id}/premises`, { number: '2', area: 50, kind: 'non-residential', floor: 1 });
      await create('/api/meters', { serial: 'FIND-ME-9', deviceTypeId: 'core.water-meter', premiseId: p1.id });
      const q = async (text: string) => (await call('GET', `/api/buildings/${b.id}/premises?q=${encodeURIComponent(text)}`)).json().items.map((p: { number: string }) => p.number);
      expect(await q('AC-5')).to.deep.equal(['101']);
      expect(await q('7')).to.deep.equal(['101']);
      expect(await q('FIND-ME')).to.deep.equal(['101']);
      expect(await q('нежилое')).to.deep.equal(['2']);
      expect(await q('33.3')).to.deep.equal(['101']);
      const all = (await call('GET', `/api/buildings/${b.id}/premises`)).json().items.map((p: { number: string }) => p.number);
      expect(all).to.deep.equal(['2', '101']);
    });
  });

  describe('meters', () => {
    it('refuses a second active meter with the same serial (409), allows it once the first is decommissioned', async () => {
      const first = await create('/api/meters', { serial: 'DUP-1', deviceTypeId: 'core.water-meter' });
      const dup = await call('POST', '/api/meters', { serial: 'DUP-1', deviceTypeId: 'core.water-meter' }, 'en');
      expect(dup.statusCode).to.equal(409);
      expect(dup.json().message).to.equal('An active meter with serial DUP-1 already exists. Decommission it or correct the serial.');
      expect((await call('PATCH', `/api/meters/${first.id}`, { decommissionedOn: '2024-01-01' })).statusCode).to.equal(200);
      await create('/api/meters', { serial: 'DUP-1', deviceTypeId: 'core.water-meter' });
      const found = (await call('GET', '/api/search?serial=DUP-1')).json().items;
      expect(found.map((i: { state: string }) => i.state).sort()).to.deep.equal(['decommissioned', 'stale']);
    });

    it('refuses an unknown device type, hot/cold on a non-water meter and a radiator on a non-allocator', async () => {
      const unknown = await call('POST', '/api/meters', { serial: 'T-1', deviceTypeId: 'acme.nothing' });
      expect(unknown.statusCode).to.equal(400);
      expect(unknown.json().message).to.contain('Неизвестный тип прибора «acme.nothing»');
      expect((await call('POST', '/api/meters', { serial: 'T-2', deviceTypeId: 'core.heat-meter', waterMedium: 'hot' })).json().details.field).to.equal('waterMedium');
      const radiator = await create('/api/radiators', { model: 'R-T3', coefficient: 1 });
      expect((await call('POST', '/api/meters', { serial: 'T-3', deviceTypeId: 'core.water-meter', radiatorId: radiator.id })).statusCode).to.equal(400);
    });

    it('refuses a reading after decommission or before installation, and one lower than the previous', async () => {
      const m = await create('/api/meters', { serial: 'WIN-1', deviceTypeId: 'core.water-meter', installedOn: '2024-01-10', decommissionedOn: '2024-03-01' });
      const after = await call('POST', `/api/meters/${m.id}/readings`, { date: '2024-03-02', value: 5 });
      expect(after.statusCode).to.equal(400);
      expect(after.json().message).to.equal('Прибор WIN-1 выведен из эксплуатации 2024-03-01: показание за 2024-03-02 не принимается');
      expect((await call('POST', `/api/meters/${m.id}/readings`, { date: '2024-01-09', value: 5 })).statusCode).to.equal(400);
      expect((await call('POST', `/api/meters/${m.id}/readings`, { date: '2024-02-01', value: 5 })).statusCode).to.equal(201);
      const lower = await call('POST', `/api/meters/${m.id}/readings`, { date: '2024-02-10', value: 4.99 });
      expect(lower.statusCode).to.equal(400);
      expect(lower.json().message).to.equal('Показание 4.99 за 2024-02-10 меньше предыдущего (5 за 2024-02-01)');
      const moveBack = await call('PATCH', `/api/meters/${m.id}`, { decommissionedOn: '2024-01-20' });
      expect(moveBack.statusCode).to.equal(409);
      expect((await call('GET', `/api/meters/${m.id}/readings`)).json().total).to.equal(1);
    });

    it('replaces a meter: the old one decommissioned with its final reading, the new one installed with its radiator', async () => {
      const radiator = await create('/api/radiators', { model: 'МС-140 7 секц.', coefficient: '1.25', manufacturer: 'Сантехлит' });
      const premise = await create('/api/premises', { number: 'R1', area: 30, kind: 'residential' });
      const old = await create('/api/meters', { serial: 'OLD-1', deviceTypeId: 'core.heat-cost-allocator', premiseId: premise.id, radiatorId: radiator.id, installedOn: '2023-01-01' });
      expect(old).to.include({ radiatorModel: 'МС-140 7 секц.', radiatorCoefficient: '1.25' });
      await create(`/api/meters/${old.id}/readings`, { date: '2024-01-01', value: 100 });
      const res = await call('POST', `/api/meters/${old.id}/replace`, { date: '2024-01-15', finalValue: 120, newMeter: { serial: 'NEW-1', initialValue: 0 } });
      expect(res.statusCode, res.payload).to.equal(201);
      const { old: o, new: n } = res.json();
      expect(o).to.include({ decommissionedOn: '2024-01-15', state: 'decommissioned' });
      expect(o.lastReading).to.include({ date: '2024-01-15', value: '120' });
      expect(n).to.include({ serial: 'NEW-1', installedOn: '2024-01-15', premiseId: premise.id, radiatorId: radiator.id, deviceTypeId: 'core.heat-cost-allocator' });
      expect(n.lastReading).to.include({ date: '2024-01-15', value: '0' });
      const again = await call('POST', `/api/meters/${old.id}/replace`, { date: '2024-02-01', newMeter: { serial: 'NEW-2' } });
      expect(again.statusCode).to.equal(409);
      expect((await call('GET', '/api/meters?q=NEW-2')).json().total).to.equal(0);
    });

    it('keeps the radiator history: a change keeps the old coefficient for the days before it', async () => {
      const r1 = await create('/api/radiators', { model: 'R-A', coefficient: '0.8' });
      const r2 = await create('/api/radiators', { model: 'R-B', coefficient: '1.4' });
      const m = await create('/api/meters', { serial: 'RAD-1', deviceTypeId: 'core.heat-cost-allocator', radiatorId: r1.id, installedOn: '2023-06-01' });
      const changed = await call('POST', `/api/meters/${m.id}/radiators`, { radiatorId: r2.id, from: '2024-01-10' });
      expect(changed.statusCode).to.equal(201);
      expect(changed.json().items.map((h: Record<string, string>) => [h.model, h.coefficient, h.from, h.to])).to.deep.equal([
        ['R-A', '0.8', '2023-06-01', '2024-01-10'],
        ['R-B', '1.4', '2024-01-10', null],
      ]);
      expect((await call('POST', `/api/meters/${m.id}/radiators`, { radiatorId: r1.id, from: '2024-01-05' })).statusCode).to.equal(400);
      expect((await call('GET', `/api/meters/${m.id}`)).json()).to.include({ radiatorModel: 'R-B', radiatorCoefficient: '1.4' });
      expect((await call('DELETE', `/api/radiators/${r1.id}`)).statusCode).to.equal(409);
    });
  });

  describe('building records', () => {
    it('keeps ODPU readings and norms per building, one per date', async () => {
      const b = await create('/api/buildings', { name: 'ОДПУ', address: 'd' });
      const h = await create(`/api/buildings/${b.id}/heat-readings`, { date: '2024-01-01', value: '2345.678' });
      expect(h).to.include({ date: '2024-01-01', value: '2345.678', unit: 'Gcal', buildingId: b.id });
      expect((await call('POST', `/api/buildings/${b.id}/heat-readings`, { date: '2024-01-01', value: 1 })).statusCode).to.equal(409);
      expect((await call('PATCH', `/api/buildings/${b.id}/heat-readings/${h.id}`, { value: '2345.7' })).json().value).to.equal('2345.7');
      await create(`/api/buildings/${b.id}/norms`, { kind: 'residential', effectiveFrom: '2018-01-10', value: 0.016 });
      await create(`/api/buildings/${b.id}/norms`, { kind: 'residential', effectiveFrom: '2018-04-12', value: 0.017 });
      const norms = (await call('GET', `/api/buildings/${b.id}/norms`)).json();
      expect(norms.items.map((n: Record<string, string>) => [n.effectiveFrom, n.value])).to.deep.equal([
        ['2018-04-12', '0.017'],
        ['2018-01-10', '0.016'],
      ]);
      const other = await create('/api/buildings', { name: 'Другой', address: 'e' });
      expect((await call('DELETE', `/api/buildings/${other.id}/heat-readings/${h.id}`)).statusCode).to.equal(404);
      expect((await call('DELETE', `/api/buildings/${b.id}/heat-readings/${h.id}`)).statusCode).to.equal(204);
    });
  });

  describe('preferences and settings', () => {
    it('remembers column choices per user and lets the administrator change the stale threshold', async () => {
      expect((await call('PUT', '/api/preferences/columns.buildings', { value: ['address', 'totalArea'] })).statusCode).to.equal(200);
      expect((await call('GET', '/api/preferences/columns.buildings')).json().value).to.deep.equal(['address', 'totalArea']);
      const operator = await app.loginAs('operator');
      expect((await app.inject({ method: 'GET', url: '/api/preferences/columns.buildings', cookie: operator })).json().value).to.equal(null);

      const m = await create('/api/meters', { serial: 'STALE-1', deviceTypeId: 'core.water-meter' });
      const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
      await create(`/api/meters/${m.id}/readings`, { date: tenDaysAgo, value: 1 });
      expect((await call('GET', `/api/meters/${m.id}`)).json().state).to.equal('ok');
      const admin = await app.loginAs('administrator');
      expect((await app.inject({ method: 'PUT', url: '/api/settings', cookie: admin, payload: { staleDays: 7 } })).json()).to.deep.equal({ staleDays: 7 });
      expect((await call('GET', `/api/meters/${m.id}`)).json().state).to.equal('stale');
    });
  });
});
