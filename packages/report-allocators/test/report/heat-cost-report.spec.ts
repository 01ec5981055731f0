import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { createReportDataSource, createTestApp, describeReportGenerator, type TestApp } from '@openamr/core/testing';
import { HeatCostReport } from '../../src/index.js';
import { EXAMPLES_DIR } from '../engine/examples.spec.js';

const expected1 = JSON.parse(readFileSync(`${EXAMPLES_DIR}example-1.expected.json`, 'utf8'));

describe('report/heat-cost-report', () => {
  let app: TestApp;
  let buildingId: string;
  let cookie: string;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/report-allocators' }], config: { demo: true } });
    cookie = (await app.loginAs('operator'))!;
    buildingId = (await app.inject({ method: 'GET', url: '/api/buildings?q=Примерная', cookie })).json().items[0].id;
  });
  after(() => app?.close());

  describeReportGenerator(HeatCostReport, () => ({
    params: { buildingId, from: '2024-01-01', to: '2024-01-31', format: 'xlsx', byNorm: false, majority: true, manualHeatGcal: null },
    data: createReportDataSource(app.database.knex),
    premisesOf: (out) => (out.explanation as { premises: Array<{ id: string }> }).premises.map((p) => p.id),
    fileName: (format) => `С 2024-01-01 по 2024-01-31 ул. Примерная, 1.${format}`,
    http: () => ({ inject: app.inject, cookie }),
  }));

  const generate = (payload: Record<string, unknown>, download = false) =>
    app.inject({ method: 'POST', url: `/api/reports/allocators.heat-cost${download ? '?download=true' : ''}`, cookie, payload: { buildingId, from: '2024-01-01', to: '2024-01-31', ...payload } });

  it('reproduces example 1 on the demo building, cell by cell in the workbook', async () => {
    const res = await generate({ majority: true }, true);
    expect(res.statusCode, res.payload).to.equal(201);
    expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]!)).to.equal('С 2024-01-01 по 2024-01-31 ул. Примерная, 1.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const ws = wb.getWorksheet('Расчет')!;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const find = (label: string) => rows.find((r) => r[0] === label)!;
    expect(find('Объект')[1]).to.equal('ул. Примерная, 1');
    expect(find('Q, Гкал')[1]).to.equal(9.2);
    expect(ws.getCell(`B${rows.indexOf(find('Q, Гкал')) + 1}`).numFmt).to.equal('0.0000');
    expect(find('Площадь дома S, м²')[1]).to.equal(460);
    expect(find('Охваченная площадь, м²')[1]).to.equal(300);
    const headerAt = rows.findIndex((r) => r[0] === 'Помещение');
    const premises = rows.slice(headerAt + 1, headerAt + 1 + expected1.premises.length);
    expect(premises.map((r) => [r[0], r[7]])).to.deep.equal(expected1.premises.map((p: any) => [p.id, Number(p.gcal)]));
    expect(premises.map((r) => r[3])).to.deep.equal(['По распределителям', 'По распределителям', 'По распределителям', 'По распределителям', 'По площади (среднее)', 'По площади (среднее)', 'По площади (среднее)']);
    expect(premises[3]![4]).to.equal('2/3');
    expect(premises[3]![5]).to.equal(1);
    expect(premises[3]![6]).to.equal(462.4);
    expect(typeof premises[0]![7]).to.equal('number');

    const wa = wb.getWorksheet('Распределители')!;
    const estimated: unknown[][] = [];
    wa.eachRow((row, n) => n > 1 && (row.values as unknown[])[11] === 'да' && estimated.push((row.values as unknown[]).slice(1)));
    expect(estimated.map((r) => [r[0], r[1], r[2], r[3]])).to.deep.equal([['Кв.4', 'A4-3', 'Радиатор (демо) k=1.4', 1.4]]);
  });

  it('returns the explanation (B1) with the run and archives it', async () => {
    const res = await generate({ majority: true, format: 'json' });
    expect(res.statusCode).to.equal(201);
    const run = res.json();
    expect(run.explanation.heatGcal).to.equal('9.2000');
    expect(run.explanation.premises.map((p: any) => p.gcal)).to.deep.equal(expected1.premises.map((p: any) => p.gcal));
    expect(run.explanation.buildingMeter).to.deep.equal({ unit: 'Gcal', startDate: '2024-01-01', endDate: '2024-02-01', startValue: '2345.678', endValue: '2354.878' });
    const archived = (await app.inject({ method: 'GET', url: `/api/report-runs/${run.id}`, cookie })).json();
    expect(archived.params).to.deep.include({ majority: true, byNorm: false, manualHeatGcal: null });
  });

  it('lists only the selected premises but calculates over the whole building (F24)', async () => {
    const tab = (await app.inject({ method: 'GET', url: `/api/buildings/${buildingId}/premises`, cookie })).json().items;
    const ids = tab.filter((p: any) => ['Кв.2', 'Маг.1'].includes(p.number)).map((p: any) => p.id);
    const run = (await generate({ majority: true, format: 'json', premiseIds: ids })).json();
    expect(run.explanation.premises.map((p: any) => [p.id, p.gcal])).to.deep.equal([
      ['Кв.2', '1.6632'],
      ['Маг.1', '1.2000'],
    ]);
    expect(run.explanation.heatGcal).to.equal('9.2000');
  });

  it('answers a calculation error in the operator\'s words, never a 500', async () => {
    // The demo's building meter is read on the first of each month: none on the 15th or the 21st.
    const noOdpu = await generate({ from: '2024-01-15', to: '2024-01-20' });
    expect(noOdpu.statusCode).to.equal(400);
    expect(noOdpu.json().message).to.equal('Нет показаний ОДПУ на даты начала и конца расчета, и не введен фактический расход ТЭ');
    expect(noOdpu.json().details.code).to.equal('NO_BUILDING_METER_READINGS');
    const en = await app.inject({
      method: 'POST',
      url: '/api/reports/allocators.heat-cost',
      cookie,
      headers: { 'accept-language': 'en' },
      payload: { buildingId, from: '2024-01-15', to: '2024-01-20' },
    });
    expect(en.statusCode).to.equal(400);
    expect(en.json().message).to.equal('There are no building heat meter readings on the start and end dates, and no actual heat consumption was entered');
    const before = (await app.inject({ method: 'GET', url: '/api/report-runs', cookie })).json().total;
    expect((await generate({ from: '2024-01-31', to: '2024-01-01' })).statusCode).to.equal(400);
    expect((await app.inject({ method: 'GET', url: '/api/report-runs', cookie })).json().total).to.equal(before);
  });

  it('uses the hand-entered heat and names the by-norm mode in the workbook', async () => {
    const run = (await generate({ majority: true, byNorm: true, manualHeatGcal: '9.2', format: 'json' })).json();
    expect(run.explanation.heatSource).to.equal('manual');
    expect(run.explanation.premises.find((p: any) => p.id === 'Маг.1')).to.include({ method: 'area-norm', gcal: '1.5000' });
  });
});
