import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { multipart } from '../../src/testing/multipart.js';
import { LEGACY_SHEETS } from '../../src/services/intake/legacy-import.js';

async function workbook(rows: Partial<Record<keyof typeof LEGACY_SHEETS, unknown[][]>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, cols] of Object.entries(LEGACY_SHEETS)) {
    const ws = wb.addWorksheet(name);
    ws.addRow([...cols]);
    for (const r of rows[name as keyof typeof LEGACY_SHEETS] ?? []) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('intake/legacy-import', () => {
  let app: TestApp;
  let cookie: string;
  before(async () => {
    app = await createTestApp();
    cookie = (await app.loginAs('manager'))!;
  });
  after(() => app?.close());

  const upload = async (content: Buffer) => {
    const m = multipart({}, { name: 'old.xlsx', content });
    return app.inject({ method: 'POST', url: '/api/legacy-imports', cookie, payload: m.payload, headers: m.headers });
  };
  const counts = async () => {
    const k = app.database.knex;
    const n = async (t: string) => Number((await k(t).count({ n: '*' }))[0]!.n);
    return { buildings: await n('buildings'), premises: await n('premises'), meters: await n('meters'), readings: await n('readings') };
  };

  const DATA = {
    Buildings: [['Старый дом', 'ул. Старая, 5', '150,5', '', '']],
    Premises: [
      ['Старый дом', '1', '1', '1', '70.5', 'ЛС-1', '01.09.2015', 'жилое'],
      ['Старый дом', '2', '1', '1', '80', '', '', 'нежилое'],
    ],
    Meters: [
      ['Старый дом', '1', 'OLD-1', 'core.heat-cost-allocator', '01.09.2020', '', '', 'МС-140 старый', '1.15'],
      ['Старый дом', '2', 'OLD-2', 'core.water-meter', '', '', 'ГВС', '', ''],
    ],
    Readings: [
      ['OLD-1', '01.01.2024', '100', '', ''],
      ['OLD-1', '01.02.2024', '150', '', ''],
      ['OLD-2', '2024-02-01', '12,5', 'm3', ''],
    ],
  };

  it('shows a dry-run diff, commits in one transaction, and changes nothing the second time', async () => {
    const before = await counts();
    const dry = await upload(await workbook(DATA));
    expect(dry.statusCode, dry.payload).to.equal(201);
    expect(dry.json()).to.deep.include({ committed: false, buildings: { create: 1, update: 0, unchanged: 0 }, premises: { create: 2, update: 0, unchanged: 0 }, meters: { create: 2, update: 0, unchanged: 0 }, readings: { new: 3, existing: 0 } });
    expect(await counts()).to.deep.equal(before);
    // The diff row by row.
    expect(dry.json().rows.map((r: { sheet: string; line: number; key: string; action: string }) => `${r.sheet}:${r.line}:${r.key}:${r.action}`)).to.deep.equal([
      'Buildings:2:Старый дом:create',
      'Premises:2:Старый дом / 1:create',
      'Premises:3:Старый дом / 2:create',
      'Meters:2:OLD-1:create',
      'Meters:3:OLD-2:create',
    ]);
    const done = await app.inject({ method: 'POST', url: `/api/legacy-imports/${dry.json().id}/commit`, cookie });
    expect(done.statusCode, done.payload).to.equal(200);
    expect(done.json().committed).to.equal(true);
    const after = await counts();
    expect(after).to.deep.equal({ buildings: before.buildings + 1, premises: before.premises + 2, meters: before.meters + 2, readings: before.readings + 3 });
    const meter = (await app.inject({ method: 'GET', url: '/api/search?serial=OLD-1', cookie })).json().items[0];
    expect((await app.inject({ method: 'GET', url: `/api/meters/${meter.meterId}`, cookie })).json()).to.include({ radiatorModel: 'МС-140 старый', radiatorCoefficient: '1.15', premiseNumber: '1' });

    const second = await upload(await workbook(DATA));
    expect(second.json()).to.deep.include({ buildings: { create: 0, update: 0, unchanged: 1 }, premises: { create: 0, update: 0, unchanged: 2 }, meters: { create: 0, update: 0, unchanged: 2 }, readings: { new: 0, existing: 3 } });
    await app.inject({ method: 'POST', url: `/api/legacy-imports/${second.json().id}/commit`, cookie });
    expect(await counts()).to.deep.equal(after);
  });

  it('reports updates, and refuses a workbook with a bad row changing nothing (sheet, line, column named)', async () => {
    const changed = { ...DATA, Premises: [['Старый дом', '1', '2', '1', '71', 'ЛС-1', '01.09.2015', 'жилое'], DATA.Premises[1]!] };
    const update = (await upload(await workbook(changed))).json();
    expect(update.premises).to.deep.equal({ create: 0, update: 1, unchanged: 1 });
    const premiseRows = update.rows.filter((r: { sheet: string }) => r.sheet === 'Premises');
    expect(premiseRows[0]).to.deep.include({ line: 2, key: 'Старый дом / 1', action: 'update' });
    expect(Object.keys(premiseRows[0].changes).sort()).to.deep.equal(['area', 'floor']);
    expect(premiseRows[0].changes.floor).to.deep.equal({ from: 1, to: 2 });
    expect(premiseRows[1]).to.deep.include({ line: 3, action: 'unchanged' });
    expect(premiseRows[1]).to.not.have.property('changes');
    const before = await counts();
    const bad = { ...DATA, Buildings: [...DATA.Buildings, ['Новый', 'ул. Новая', '', '', '']], Meters: [...DATA.Meters, ['Старый дом', '9', 'OLD-9', 'core.water-meter', '', '', '', '', '']] };
    const res = (await upload(await workbook(bad))).json();
    expect(res.errors).to.have.length(1);
    expect(res.errors[0]).to.include({ line: 4, column: 2 });
    expect(res.errors[0].message).to.equal('old.xlsx, лист Meters, строка 4, premise: помещение «9» объекта «Старый дом» не найдено');
    const commit = await app.inject({ method: 'POST', url: `/api/legacy-imports/${res.id}/commit`, cookie });
    expect(commit.json().committed).to.equal(false);
    expect(await counts()).to.deep.equal(before);
  });

  it('refuses a workbook without the sheets and serves the template', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Лист1').addRow(['a']);
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.statusCode).to.equal(400);
    expect(res.json().message).to.contain('нет листов Buildings, Premises, Meters, Readings');
    const t = await app.inject({ method: 'GET', url: '/api/imports/templates/legacy.xlsx', cookie });
    const tw = new ExcelJS.Workbook();
    await tw.xlsx.load(t.rawPayload as never);
    expect(tw.worksheets.map((w) => w.name)).to.deep.equal(['Buildings', 'Premises', 'Meters', 'Readings']);
  });

  it('is for managers: an operator is refused', async () => {
    const operator = await app.loginAs('operator');
    const m = multipart({}, { name: 'old.xlsx', content: await workbook(DATA) });
    expect((await app.inject({ method: 'POST', url: '/api/legacy-imports', cookie: operator, payload: m.payload, headers: m.headers })).statusCode).to.equal(403);
  });
});
