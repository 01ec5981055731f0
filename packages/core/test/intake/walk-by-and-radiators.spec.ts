import ExcelJS from 'exceljs';
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { multipart } from '../../src/testing/multipart.js';

describe('intake: walk-by file and radiator catalogue', () => {
  let app: TestApp;
  let cookie: string;
  let buildingId: string;
  before(async () => {
    app = await createTestApp({ config: { demo: true } });
    cookie = (await app.loginAs('manager'))!;
    buildingId = (await app.inject({ method: 'GET', url: '/api/buildings', cookie })).json().items[0].id;
  });
  after(() => app?.close());

  const post = (url: string, name: string, text: string) => {
    const m = multipart(url === '/api/imports' ? { buildingId } : {}, { name, content: Buffer.from(text) });
    return app.inject({ method: 'POST', url, cookie, payload: m.payload, headers: m.headers });
  };

  it('generates the walk-by file, and the filled file imports as readings', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/buildings/${buildingId}/walk-by?format=csv`, cookie });
    expect(res.statusCode).to.equal(200);
    const lines = res.payload.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).to.equal('premise;serial;type;last_date;last_value;date;value;error_code');
    expect(lines).to.have.length(24); // the header and the demo's 23 active meters
    expect(lines[1]).to.equal('Кв.1;A1-1;Распределитель тепла;2024-03-01;1880;;;');
    // The reader fills two rows and leaves the others empty.
    const filled = lines.map((l, i) => (i === 1 ? l.replace(/;;;$/, ';02.03.2024;1885;') : i === 2 ? l.replace(/;;;$/, ';02.03.2024;1216;') : l)).join('\n');
    const dry = (await post('/api/imports', 'walk.csv', filled)).json();
    expect(dry).to.include({ new: 2, existing: 0 });
    expect(dry.errors).to.deep.equal([]);
    const xlsx = await app.inject({ method: 'GET', url: `/api/buildings/${buildingId}/walk-by`, cookie });
    expect(xlsx.headers['content-type']).to.contain('spreadsheetml');
    expect(decodeURIComponent(String(xlsx.headers['content-disposition']).split("UTF-8''")[1]!)).to.equal('Обход ул. Примерная, 1.xlsx');
    // The workbook filled in and brought back is a readings import too.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).to.deep.equal([undefined, 'premise', 'serial', 'type', 'last_date', 'last_value', 'date', 'value', 'error_code']);
    expect(ws.getRow(2).getCell(2).value).to.equal('A1-1');
    ws.getRow(2).getCell(6).value = '03.03.2024';
    ws.getRow(2).getCell(7).value = 1890;
    const m = multipart({ buildingId }, { name: 'walk.xlsx', content: Buffer.from(await wb.xlsx.writeBuffer()) });
    const back = (await app.inject({ method: 'POST', url: '/api/imports', cookie, payload: m.payload, headers: m.headers })).json();
    expect(back).to.include({ new: 1, existing: 0, format: 'xlsx' });
    expect(back.errors).to.deep.equal([]);
  });

  it('imports the radiator catalogue: creates, updates by model, leaves the unchanged', async () => {
    const csv = 'model;manufacturer;type;height;width;coefficient\nМС-140-500 7 секц.;Сантехлит;чугунный;588;756;1,12\nRifar Base 500/6;Rifar;биметалл;570;480;0.86\n';
    const first = await post('/api/radiators/import', 'rad.csv', csv);
    expect(first.statusCode, first.payload).to.equal(200);
    expect(first.json()).to.include({ created: 2, updated: 0, unchanged: 0, committed: true });
    const again = await post('/api/radiators/import', 'rad.csv', csv.replace('0.86', '0.87'));
    expect(again.json()).to.include({ created: 0, updated: 1, unchanged: 1 });
    const found = (await app.inject({ method: 'GET', url: '/api/radiators?q=Rifar', cookie })).json().items[0];
    expect(found).to.include({ model: 'Rifar Base 500/6', coefficient: '0.87', height: 570 });
    // The same catalogue as a workbook, with Russian headers: updates by model.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Радиаторы');
    ws.addRow(['Модель', 'Производитель', 'Тип', 'Высота', 'Ширина', 'Коэффициент']);
    ws.addRow(['Rifar Base 500/6', 'Rifar', 'биметалл', 570, 480, 0.9]);
    ws.addRow(['Kermi FKO 22', 'Kermi', 'панельный', 500, 1000, 1.31]);
    const m = multipart({}, { name: 'catalogue.xlsx', content: Buffer.from(await wb.xlsx.writeBuffer()) });
    const fromXlsx = await app.inject({ method: 'POST', url: '/api/radiators/import', cookie, payload: m.payload, headers: m.headers });
    expect(fromXlsx.statusCode, fromXlsx.payload).to.equal(200);
    expect(fromXlsx.json()).to.include({ created: 1, updated: 1, unchanged: 0 });
    expect((await app.inject({ method: 'GET', url: '/api/radiators?q=Kermi', cookie })).json().items[0]).to.include({ model: 'Kermi FKO 22', coefficient: '1.31', width: 1000 });
  });

  it('refuses a catalogue with a bad row, changing nothing and naming line and column', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/radiators', cookie })).json().total;
    const bad = await post('/api/radiators/import', 'rad2.csv', 'model;coefficient\nNew-1;1.1\nNew-2;-1\n');
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().details.errors[0]).to.include({ line: 3, column: 2, field: 'coefficient' });
    expect((await app.inject({ method: 'GET', url: '/api/radiators', cookie })).json().total).to.equal(before);
  });
});
