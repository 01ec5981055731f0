import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { multipart } from '../../src/testing/multipart.js';

describe('server/routes/import-routes', () => {
  let app: TestApp;
  let cookie: string;
  let buildingId: string;
  before(async () => {
    app = await createTestApp({ config: { demo: true, settings: { staleDays: 21, sessionHours: 12, uploadLimitMb: 1 } } });
    cookie = (await app.loginAs('manager'))!;
    buildingId = (await app.inject({ method: 'GET', url: '/api/buildings', cookie })).json().items[0].id;
  });
  after(() => app?.close());

  const upload = async (name: string, content: Buffer | string, fields: Record<string, string> = { buildingId }) => {
    const m = multipart(fields, { name, content: Buffer.isBuffer(content) ? content : Buffer.from(content) });
    return app.inject({ method: 'POST', url: '/api/imports', cookie, payload: m.payload, headers: m.headers });
  };
  const count = async () => Number((await app.database.knex('readings').count({ n: '*' }))[0]!.n);
  const FILE = 'serial;date;value;unit;error_code\nA1-1;01.04.2024;2010;units;\nA1-2;01.04.2024;1300;;\nA5-3;2024-04-01;900;;E2\n';

  it('dry-runs, commits, and stores nothing the second time («N новых, M уже были»)', async () => {
    const before = await count();
    const dry = await upload('april.csv', FILE);
    expect(dry.statusCode, dry.payload).to.equal(201);
    expect(dry.json()).to.include({ status: 'dry-run', format: 'csv', readings: 3, new: 3, existing: 0, message: '3 новых, 0 уже были' });
    expect(await count()).to.equal(before);
    const done = await app.inject({ method: 'POST', url: `/api/imports/${dry.json().id}/commit`, cookie, payload: {} });
    expect(done.json()).to.include({ status: 'committed', new: 3, existing: 0 });
    expect(await count()).to.equal(before + 3);
    const again = await upload('april-copy.csv', FILE);
    expect(again.json()).to.include({ new: 0, existing: 3, message: '0 новых, 3 уже были' });
    const second = await app.inject({ method: 'POST', url: `/api/imports/${again.json().id}/commit`, cookie, payload: {} });
    expect(second.json()).to.include({ status: 'committed', new: 0, existing: 3 });
    expect(await count()).to.equal(before + 3);
    expect((await app.inject({ method: 'POST', url: `/api/imports/${dry.json().id}/commit`, cookie, payload: {} })).statusCode).to.equal(409);
    const reading = await app.database.knex('readings').where({ source_key: 'file:A1-1:2024-04-01' }).first();
    expect(reading).to.include({ day: '2024-04-01', value: '2010', source: 'file', unit: 'units' });
    expect(new Date(reading.taken_at).toISOString()).to.equal('2024-03-31T21:00:00.000Z');
    const audit = await app.database.knex('audit_log').where({ action: 'import', entity: 'import' }).count({ n: '*' });
    expect(Number(audit[0]!.n)).to.equal(2);
  });

  it('refuses a file with one impossible date: the line named, nothing stored; skipBad stores the rest', async () => {
    const before = await count();
    const file = 'serial;date;value\nA2-1;01.05.2024;1800\nA2-2;31.04.2024;1100\nA2-3;01.05.2024;600\n';
    const dry = (await upload('may.csv', file)).json();
    expect(dry.errors).to.have.length(1);
    expect(dry.errors[0]).to.include({ line: 3, column: 2, code: 'bad-date', file: 'may.csv' });
    const refused = (await app.inject({ method: 'POST', url: `/api/imports/${dry.id}/commit`, cookie, payload: {} })).json();
    expect(refused.status).to.equal('refused');
    expect(await count()).to.equal(before);
    const skipped = (await app.inject({ method: 'POST', url: `/api/imports/${dry.id}/commit`, cookie, payload: { skipBad: true } })).json();
    expect(skipped).to.include({ status: 'committed', new: 2 });
    expect(await count()).to.equal(before + 2);
  });

  it('lists unknown serials, decreasing values and meters of another building as problems, never stored', async () => {
    const other = (await app.inject({ method: 'POST', url: '/api/buildings', cookie, payload: { name: 'Другой', address: 'x' } })).json();
    const p = (await app.inject({ method: 'POST', url: `/api/buildings/${other.id}/premises`, cookie, payload: { number: '1', area: 10, kind: 'residential' } })).json();
    await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: 'ELSEWHERE-1', deviceTypeId: 'core.water-meter', premiseId: p.id } });
    const file = 'serial;date;value\nNOPE-1;01.06.2024;1\nA3-1;01.06.2024;10\nELSEWHERE-1;01.06.2024;1\nA3-2;01.06.2024;900\n';
    const dry = (await upload('june.csv', file)).json();
    expect(dry.errors.map((e: any) => [e.line, e.code])).to.deep.equal([
      [2, 'unknown-meter'],
      [3, 'value-decreased'],
      [4, 'other-building'],
    ]);
    expect(dry.new).to.equal(1);
  });

  it('reads the same columns from an .xlsx sheet (detected by content, whatever the name)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('x');
    ws.addRow(['serial', 'date', 'value']);
    ws.addRow(['A4-1', new Date(Date.UTC(2024, 6, 1)), 1500]);
    ws.addRow(['A4-2', '01.07.2024', '1100,5']);
    const dry = (await upload('readings.txt', Buffer.from(await wb.xlsx.writeBuffer()))).json();
    expect(dry).to.include({ format: 'xlsx', new: 2 });
    expect(dry.errors).to.deep.equal([]);
  });

  it('refuses a file over the upload limit with a clear message, and an .xls', async () => {
    const big = await upload('big.csv', Buffer.alloc(1024 * 1024 + 10, 'a'));
    expect(big.statusCode).to.equal(413);
    expect(big.json().message).to.equal('Файл больше допустимых 1 МБ (настройка uploadLimitMb)');
    const xls = await upload('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]));
    expect(xls.statusCode).to.equal(400);
    expect(xls.json().message).to.contain('формат .xls не поддерживается');
  });

  it('serves the templates, which import cleanly', async () => {
    const t = await app.inject({ method: 'GET', url: '/api/imports/templates/readings.csv', cookie });
    expect(t.statusCode).to.equal(200);
    expect(t.payload).to.contain('serial;date;value;unit;error_code');
    const x = await app.inject({ method: 'GET', url: '/api/imports/templates/readings.xlsx', cookie });
    expect(x.headers['content-type']).to.contain('spreadsheetml');
    // Each parses to its three example readings; only the registry may object (W-123456 is no meter here).
    for (const [name, content] of [['readings.csv', t.rawPayload], ['readings.xlsx', x.rawPayload]] as const) {
      const dry = (await upload(name, content)).json();
      expect(dry, name).to.include({ readings: 3, format: name.endsWith('.csv') ? 'csv' : 'xlsx' });
      expect(dry.errors.map((e: { line: number; code: string }) => `${e.line}:${e.code}`), name).to.deep.equal(['3:unknown-meter']);
    }
  });

  it('refuses readings after a meter’s decommission and before its installation, by line', async () => {
    const p = (await app.inject({ method: 'GET', url: '/api/search?serial=A3-1', cookie })).json().items[0];
    const m = (await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: 'WINDOW-1', deviceTypeId: 'core.water-meter', premiseId: p.premiseId, installedOn: '2024-02-01' } })).json();
    expect((await app.inject({ method: 'PATCH', url: `/api/meters/${m.id}`, cookie, payload: { decommissionedOn: '2024-04-30' } })).statusCode).to.be.oneOf([200, 204]);
    const dry = (await upload('window.csv', 'serial;date;value\nWINDOW-1;31.01.2024;1\nWINDOW-1;01.03.2024;2\nWINDOW-1;01.05.2024;3\n')).json();
    expect(dry.errors.map((e: { line: number; code: string; field: string }) => `${e.line}:${e.code}:${e.field}`)).to.deep.equal(['2:before-install:date', '4:after-decommission:date']);
    expect(dry.new).to.equal(1);
  });
});
