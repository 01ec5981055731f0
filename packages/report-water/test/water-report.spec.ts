import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { Decimal } from 'decimal.js';
import { createReportDataSource, createTestApp, describeReportFixtures, describeReportGenerator, DEMO_METERS, type TestApp } from '@openamr/core/testing';
import { WaterReport, type WaterExplanation } from '../src/index.js';

/** The demo's readings, as loaded: serial → day → value. */
const demo = new Map(DEMO_METERS.map((m) => [m.serial, new Map(m.readings.map(([d, v]) => [d, v]))]));
const reading = (serial: string, day: string) => demo.get(serial)!.get(day);

async function sheetRows(payload: Buffer, name: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(payload as never);
  const rows: unknown[][] = [];
  wb.getWorksheet(name)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describeReportFixtures({
  generatorId: 'water.consumption',
  plugins: [{ package: '@openamr/report-water' }],
  fixturesDir: new URL('./fixtures/', import.meta.url).pathname,
});

describe('report-water: water.consumption on the demo building', () => {
  let app: TestApp;
  let buildingId: string;
  let cookie: string;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/report-water' }], config: { demo: true } });
    cookie = (await app.loginAs('operator'))!;
    buildingId = (await app.inject({ method: 'GET', url: '/api/buildings?q=Примерная', cookie })).json().items[0].id;
  });
  after(() => app?.close());

  describeReportGenerator(WaterReport, () => ({
    params: { buildingId, from: '2024-06-01', to: '2024-06-30', format: 'xlsx' },
    data: createReportDataSource(app.database.knex),
    premisesOf: (out) => (out.explanation as WaterExplanation).meters.map((m) => m.premise),
    fileName: (format) => `С 2024-06-01 по 2024-06-30 ул. Примерная, 1.${format}`,
    http: () => ({ inject: app.inject, cookie }),
  }));

  const generate = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/reports/water.consumption?download=true', cookie, payload: { buildingId, ...payload } });

  it('gives each meter the readings of the first day and the day after the last, both installations of a replaced meter, and exact totals', async () => {
    const res = await generate({ from: '2024-06-01', to: '2024-06-30' });
    expect(res.statusCode, res.payload).to.equal(201);
    expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]!)).to.equal('С 2024-06-01 по 2024-06-30 ул. Примерная, 1.xlsx');
    const rows = await sheetRows(res.rawPayload, 'Приборы');
    const header = rows.findIndex((r) => r[0] === 'Помещение');
    const meterRows = rows.slice(header + 1).filter((r) => typeof r[2] === 'string' && r[2] !== '');
    expect(meterRows.map((r) => [r[0], r[1], r[2]])).to.deep.equal([
      ['Кв.1', 'ГВС', 'В1-ГВС'], ['Кв.1', 'ХВС', 'В1-ХВС'],
      ['Кв.2', 'ГВС', 'В2-ГВС'], ['Кв.2', 'ХВС', 'В2-ХВС'], ['Кв.2', 'ХВС', 'В2-ХВС-2'],
      ['Кв.3', 'ГВС', 'В3-ГВС'], ['Кв.3', 'ХВС', 'В3-ХВС'],
      ['Кв.4', 'ГВС', 'В4-ГВС'], ['Кв.4', 'ХВС', 'В4-ХВС'],
    ]);
    let hot = new Decimal(0);
    let cold = new Decimal(0);
    for (const r of meterRows) {
      const serial = r[2] as string;
      const [start, end] = serial === 'В2-ХВС' ? ['2024-06-01', '2024-06-15'] : serial === 'В2-ХВС-2' ? ['2024-06-15', '2024-07-01'] : ['2024-06-01', '2024-07-01'];
      expect([r[3], r[5]], serial).to.deep.equal([start, end]);
      expect(r[4], `${serial} start`).to.equal(Number(reading(serial, start)));
      expect(r[6], `${serial} end`).to.equal(Number(reading(serial, end)));
      const used = new Decimal(reading(serial, end)!).minus(reading(serial, start)!);
      expect(r[7], `${serial} consumption`).to.equal(used.toNumber());
      if (r[1] === 'ГВС') hot = hot.plus(used);
      else cold = cold.plus(used);
    }
    expect(rows.find((r) => r[0] === 'Итого ГВС')![7]).to.equal(hot.toNumber());
    expect(rows.find((r) => r[0] === 'Итого ХВС')![7]).to.equal(cold.toNumber());
    const premises = await sheetRows(res.rawPayload, 'Помещения');
    const kv2 = premises.find((r) => r[0] === 'Кв.2')!;
    const kv2Cold = new Decimal(reading('В2-ХВС', '2024-06-15')!).minus(reading('В2-ХВС', '2024-06-01')!).plus(new Decimal(reading('В2-ХВС-2', '2024-07-01')!).minus(reading('В2-ХВС-2', '2024-06-15')!));
    expect(kv2[2]).to.equal(kv2Cold.toNumber());
    expect(premises.find((r) => r[0] === 'Итого')!.slice(1, 3)).to.deep.equal([hot.toNumber(), cold.toNumber()]);
  });

  it('lists a silent meter as «нет показаний» with its last reading, leaves it out of the totals and warns', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/reports/water.consumption', cookie, payload: { buildingId, from: '2024-10-01', to: '2024-10-31', format: 'json' } });
    expect(res.statusCode, res.payload).to.equal(201);
    const run = res.json();
    const silent = run.explanation.meters.find((m: { serial: string }) => m.serial === 'В3-ГВС');
    expect(silent).to.include({ startValue: null, endValue: null, consumption: null });
    expect(silent.lastKnown).to.deep.equal({ day: '2024-09-30', value: new Decimal(reading('В3-ГВС', '2024-09-30')!).toString() });
    expect(run.warnings).to.deep.equal([`Кв.3, прибор В3-ГВС: нет показаний на 2024-10-01 (последнее ${silent.lastKnown.value} на 2024-09-30); в итоги не вошел`]);
    expect(run.explanation.premises.find((p: { premise: string }) => p.premise === 'Кв.3')).to.include({ incomplete: true });
    const hot = ['В1-ГВС', 'В2-ГВС', 'В4-ГВС'].reduce((a, s) => a.plus(new Decimal(reading(s, '2024-11-01')!).minus(reading(s, '2024-10-01')!)), new Decimal(0));
    expect(run.explanation.totals.hot).to.equal(hot.toString());
    // The replaced meter is gone in October: only its successor.
    expect(run.explanation.meters.map((m: { serial: string }) => m.serial)).not.to.include('В2-ХВС');
  });

  it('reports only the premises asked for (F24), as CSV too', async () => {
    const premises = (await app.inject({ method: 'GET', url: `/api/buildings/${buildingId}/premises`, cookie })).json().items;
    const kv1 = premises.find((p: { number: string }) => p.number === 'Кв.1').id;
    const res = await generate({ from: '2024-01-01', to: '2024-12-31', premiseIds: [kv1], format: 'csv' });
    expect(res.statusCode, res.payload).to.equal(201);
    const lines = res.payload.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).to.equal('Помещение;Вода;Серийный номер;Дата начала;Показание, м³;Дата окончания;Показание, м³;Расход, м³;Примечание');
    expect(lines.slice(1, 3).map((l) => l.split(';').slice(0, 3).join(';'))).to.deep.equal(['Кв.1;ГВС;В1-ГВС', 'Кв.1;ХВС;В1-ХВС']);
    const year = new Decimal(reading('В1-ГВС', '2025-01-01')!).minus(reading('В1-ГВС', '2024-01-01')!);
    expect(lines[1]!.split(';')[7]).to.equal(year.toString());
  });

  it('refuses a period that ends before it starts', async () => {
    const res = await generate({ from: '2024-02-01', to: '2024-01-01' });
    expect(res.statusCode).to.equal(400);
    expect(res.json().message).to.equal('Дата окончания раньше даты начала');
  });
});
