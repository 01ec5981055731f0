import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { Decimal } from 'decimal.js';
import {
  createReportDataSource,
  createTestApp,
  describeReportFixtures,
  describeReportGenerator,
  DEMO_METERS,
  DEMO_MONTHLY_HEAT,
  loadReportFixture,
  readReportFixture,
  type LoadedReportFixture,
  type TestApp,
} from '@openamr/core/testing';
import { HeatMeterReport, type HeatMeterExplanation } from '../src/index.js';

const D = Decimal.clone({ precision: 60 });
const meter = DEMO_METERS.find((m) => m.serial === 'ТС6-1')!;
const reading = (day: string) => meter.readings.find(([d]) => d === day)!;
const odpu = (day: string) => DEMO_MONTHLY_HEAT.find(([d]) => d === day)![1];

describeReportFixtures({
  generatorId: 'heat-meters.consumption',
  plugins: [{ package: '@openamr/report-heat-meters' }],
  fixturesDir: new URL('./fixtures/', import.meta.url).pathname,
});

// The conformance kit on the fixture's building: the demo has one apartment heat meter only.
describe('report-heat-meters: heat-meters.consumption on the fixture building', () => {
  let app: TestApp;
  let cookie: string;
  let loaded: LoadedReportFixture;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/report-heat-meters' }] });
    cookie = (await app.loginAs('operator'))!;
    loaded = await loadReportFixture(app.database.knex, readReportFixture(new URL('./fixtures/units-replaced-silent/', import.meta.url).pathname));
  });
  after(() => app?.close());

  describeReportGenerator(HeatMeterReport, () => ({
    params: { buildingId: loaded.buildingId, from: '2024-03-01', to: '2024-03-31', format: 'xlsx' },
    data: createReportDataSource(app.database.knex),
    premisesOf: (out) => (out.explanation as HeatMeterExplanation).meters.map((m) => m.premise),
    fileName: (format) => `С 2024-03-01 по 2024-03-31 Тестовый дом, 7.${format}`,
    http: () => ({ inject: app.inject, cookie }),
  }));
});

describe('report-heat-meters: heat-meters.consumption on the demo building', () => {
  let app: TestApp;
  let buildingId: string;
  let cookie: string;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/report-heat-meters' }], config: { demo: true } });
    cookie = (await app.loginAs('operator'))!;
    buildingId = (await app.inject({ method: 'GET', url: '/api/buildings?q=Примерная', cookie })).json().items[0].id;
  });
  after(() => app?.close());

  it('converts the meter’s GJ to Gcal exactly, adds the volume, and compares with the building meter', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/reports/heat-meters.consumption?download=true', cookie, payload: { buildingId, from: '2024-03-01', to: '2024-03-31' } });
    expect(res.statusCode, res.payload).to.equal(201);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const rows: unknown[][] = [];
    wb.getWorksheet('Теплосчетчики')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const line = rows.find((r) => r[1] === 'ТС6-1')!;
    const gj = new D(reading('2024-04-01')[1]).minus(reading('2024-03-01')[1]);
    const gcal = gj.div('4.1868');
    const volume = new D(reading('2024-04-01')[2]!.volume!).minus(reading('2024-03-01')[2]!.volume!);
    expect(line.slice(0, 8)).to.deep.equal(['Кв.6', 'ТС6-1', 'GJ', '2024-03-01', Number(reading('2024-03-01')[1]), '2024-04-01', Number(reading('2024-04-01')[1]), gj.toNumber()]);
    expect(line[8]).to.equal(gcal.toNumber());
    expect(line[9]).to.equal(volume.toNumber());
    const building = new D(odpu('2024-04-01')).minus(odpu('2024-03-01'));
    expect(rows.find((r) => r[0] === 'ОДПУ дома')![8]).to.equal(building.toNumber());
    expect(rows.find((r) => r[0] === 'Доля квартирных, %')![8]).to.equal(Number(gcal.div(building).mul(100).toFixed(2)));
    const json = (await app.inject({ method: 'POST', url: '/api/reports/heat-meters.consumption', cookie, payload: { buildingId, from: '2024-03-01', to: '2024-03-31', format: 'json' } })).json();
    expect(json.explanation.totals.gcal).to.equal(gcal.toString());
    expect(json.explanation.totals.share).to.equal(gcal.div(building).toString());
  });

  it('starts the meter on its installation day inside the period, and says so when the building meter has no readings', async () => {
    const run = (await app.inject({ method: 'POST', url: '/api/reports/heat-meters.consumption', cookie, payload: { buildingId, from: '2024-01-15', to: '2024-02-10', format: 'json' } })).json();
    expect(run.explanation.meters).to.have.length(1);
    expect(run.explanation.meters[0]).to.include({ startDay: '2024-02-01', endDay: '2024-02-11', startEnergy: reading('2024-02-01')[1] });
    expect(run.explanation.totals.buildingGcal).to.equal(null);
    expect(run.warnings).to.deep.equal(['Нет показаний ОДПУ на 2024-01-15 и 2024-02-11: сравнение с домом не выполнено']);
    // January: the meter was not yet installed.
    const jan = (await app.inject({ method: 'POST', url: '/api/reports/heat-meters.consumption', cookie, payload: { buildingId, from: '2024-01-01', to: '2024-01-31', format: 'json' } })).json();
    expect(jan.explanation.meters).to.deep.equal([]);
  });
});
